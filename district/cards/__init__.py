"""The credentials themselves: the district root and town issuer keys (sealed by the vault),
issuing, replacing and revoking cards, the signed trust and status lists, and printed cards."""
