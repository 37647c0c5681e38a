"""Training: trainee dossiers built from synthetic scenarios, answer keys, and grading."""
