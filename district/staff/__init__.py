"""District staff: accounts with hashed passwords and rate-limited sign-in, their sign-in
sessions, and the tables behind both."""
