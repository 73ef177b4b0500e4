"""Put what a command made into output/: editions published in one step, copies, cards; and the
release records of data/<guide>/editions/, with what changed from one edition to the next."""
