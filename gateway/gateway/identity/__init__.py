"""Identity owned by the gateway: the department tree, users, roles, data scopes, passwords.

Every change is written in one unit of work together with the identity event that publishes
it (``identity.events`` exchange, through the outbox), so services keep what they need.
"""
