"""Devices pushing their records: each pushed change applied exactly once, in one transaction,
by the handler of its kind of record (one registry: `district.sync.entities.HANDLERS`)."""
