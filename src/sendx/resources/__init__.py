"""API resources: thin declarations that validate arguments and describe calls."""
