"""PD stand-in: the pdpb.PD gRPC service and PD's HTTP API, served on one port."""
