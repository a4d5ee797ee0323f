"""Imported only by the isolation demo: in sys.modules only if a run imported it before."""
