"""Ingestion of real financial data into the workspace (readers, validation, quarantine)."""
