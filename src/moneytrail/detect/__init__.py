"""Detection: declarative rules, graph-pattern features for machine learning, scoring."""
