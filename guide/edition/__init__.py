"""Put what a command made into output/: editions published in one step, copies, cards."""
