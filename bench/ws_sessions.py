"""Reader sessions without a browser: Streamlit's own protocol over its websocket.

A session connects to `/_stcore/stream`, asks for a script run as the browser does on load (a
`rerun_script` BackMsg carrying the query string) and reads ForwardMsgs until the run has finished.
The server does for it exactly what it does for a browser tab; only the drawing is missing, which
costs the server nothing. Used to hold many sessions open for the memory figures.
"""

from __future__ import annotations

import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import ClientConnection, connect


class ProtocolSession:
    def __init__(self, base: str, query: str = "", timeout: float = 60):
        self.socket: ClientConnection = connect(
            base.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=timeout,
        )
        self.received_bytes = 0
        self.elements = 0
        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_script_hash = ""
        started = time.perf_counter()
        self.socket.send(message.SerializeToString())
        while True:
            frame = self.socket.recv(timeout=timeout)
            self.received_bytes += len(frame)
            forward = ForwardMsg.FromString(frame)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                self.elements += 1
                if forward.delta.new_element.WhichOneof("type") == "exception":
                    raise RuntimeError(f"the script raised: {forward.delta.new_element.exception.message}")
            if kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
                if status != "FINISHED_SUCCESSFULLY":
                    raise RuntimeError(f"the script run ended with {status}")
                break
        self.run_ms = (time.perf_counter() - started) * 1000

    def close(self) -> None:
        self.socket.close()
