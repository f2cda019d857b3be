"""Webhook delivery: automation rules, signed payloads, retries and the record of
every attempt (:mod:`.automations`)."""
