"""Execution-stage records (Shanghai Art. 12–17). Models arrive with the execution capability."""
