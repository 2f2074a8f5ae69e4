"""The change log that phones and windows pull: what each device must see (a card issued, a
family request decided, a spot's rule), written in the transaction that made the change."""
