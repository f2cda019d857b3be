"""Helpers shared by the test folders (servers, builders); not tests themselves."""
