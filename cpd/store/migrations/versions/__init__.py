"""One file per schema version; each upgrade keeps the data of the version before."""
