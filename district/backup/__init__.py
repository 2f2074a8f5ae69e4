"""Backup and restore (SPEC §8): a consistent snapshot of every table taken while the server
serves, sealed in one encrypted file (the sealed private keys are in the database, so keys and
data travel together), and put back in one transaction under a new sync generation, so that
every device notices, pulls from the start and sends again what it had sent since."""
