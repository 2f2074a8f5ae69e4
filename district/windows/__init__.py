"""The scenic spots' windows: enrolling a window device, the sales it reports (kept as
redemptions), and the discount statistics and reconciliation export built from them."""
