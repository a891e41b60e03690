"""PD, as far as the encoder needs it: is it reachable, and which cluster is it.

The cluster id (``GetMembers`` response header) goes into the job id, so importing the same
dump into a fresh cluster starts a fresh job instead of finding the old one done.

Public API: ``pd_cluster_id``, ``first_pd_addr``.
"""

from __future__ import annotations

import grpc

from encoder.errors import PDError
from protos import pdpb_pb2, pdpb_pb2_grpc

REQUEST_TIMEOUT_S = 10.0


def first_pd_addr(addrs: str) -> str:
    """The first ``host:port`` of a comma-separated list, without a URL scheme."""
    first = addrs.split(",")[0].strip()
    for scheme in ("http://", "https://"):
        if first.startswith(scheme):
            first = first[len(scheme) :]
    return first.rstrip("/")


def pd_cluster_id(addr: str, timeout: float = REQUEST_TIMEOUT_S) -> int:
    """The cluster id PD at ``addr`` reports; ``PDError`` if it cannot be reached."""
    with grpc.insecure_channel(addr) as channel:
        stub = pdpb_pb2_grpc.PDStub(channel)
        try:
            resp = stub.GetMembers(pdpb_pb2.GetMembersRequest(), timeout=timeout)
        except grpc.RpcError as exc:
            details = exc.details() if isinstance(exc, grpc.Call) else str(exc)
            raise PDError(addr, str(details)) from exc
    if resp.header.error.type:
        raise PDError(addr, resp.header.error.message or "GetMembers failed")
    return int(resp.header.cluster_id)
