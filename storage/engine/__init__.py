"""The crash-safe document engine under the device's repositories: TinyDB snapshot files with an
append-only journal (`collection`), a data folder with one writer and a schema version (`store`),
durable file primitives, and recovery from backups. It knows nothing of cards or sales."""
