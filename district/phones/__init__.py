"""Member phones: one-time activation codes, the devices and their bearer tokens, activating a
phone (a code and its key give a bound card), and family cards as a member asks for them."""
