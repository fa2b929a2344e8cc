"""Facts: a host's observed state, in the same shape the spec's expectations take."""
