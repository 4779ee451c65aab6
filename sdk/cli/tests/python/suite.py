"""What the Python suites share: `smilepayz serve` started with credentials the suite keeps,
the gateway API signed as the official demos sign, the control API, and a callback receiver.
Only the standard library and `cryptography`."""

import base64
import datetime
import http.server
import json
import os
import queue
import subprocess
import threading
import urllib.error
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

BIN = os.environ.get("SMILEPAYZ_BIN", "target/debug/smilepayz")
BANGKOK = datetime.timezone(datetime.timedelta(hours=7))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Emulator:
    """`smilepayz serve --json` with one THB merchant whose credentials this suite chose."""

    def __init__(self, folder, partner_id, secret):
        self.partner_id = partner_id
        self.secret = secret
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_der = self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        public_der = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        # Fixed credentials, as a test suite keeps them in its configuration.
        merchants_file = os.path.join(folder, "merchants.json")
        with open(merchants_file, "w") as f:
            json.dump({"merchants": [{
                "region": "THB",
                "partnerId": partner_id,
                "merchantSecret": secret,
                "privateKey": b64(private_der),
                "publicKey": b64(public_der),
            }]}, f)
        self.process = subprocess.Popen(
            [BIN, "serve", "--json", "--merchants", merchants_file,
             # Nothing settles by itself: the suite decides when and how.
             "--settle-after-ms", "3600000"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True).start()
        try:
            first = lines.get(timeout=30)
        except queue.Empty:
            self.process.kill()
            raise AssertionError("smilepayz serve printed nothing within 30 s")
        if not first:
            raise AssertionError("smilepayz serve ended: " + self.process.stderr.read())
        served = json.loads(first)
        self.base_url = served["baseUrl"]
        self.control_url = served["controlUrl"]
        self.dashboard_url = served["dashboardUrl"]
        self.platform_key = serialization.load_der_public_key(
            base64.b64decode(served["platformPublicKey"])
        )
        (self.merchant,) = [m for m in served["merchants"] if m["partnerId"] == partner_id]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def gateway(self, path, body):
        """POSTs a signed request; returns the answer's JSON (code 00 or an AssertionError)."""
        text = json.dumps(body, separators=(",", ":"))
        timestamp = datetime.datetime.now(BANGKOK).replace(microsecond=0).isoformat()
        signature = self.private_key.sign(
            ("%s|%s|%s" % (timestamp, self.secret, text)).encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
        request = urllib.request.Request(
            self.base_url + path,
            data=text.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-TIMESTAMP": timestamp,
                "X-SIGNATURE": b64(signature),
                "X-PARTNER-ID": self.partner_id,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise AssertionError("%s answered %d: %s" % (path, error.code, error.read()))
        if answer.get("code") != "00":
            raise AssertionError("%s answered %s" % (path, answer))
        return answer

    def control(self, method, path, body=None):
        """Calls the control API; returns (HTTP status, JSON)."""
        request = urllib.request.Request(
            self.control_url + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def verify_callback(self, headers, body, trade_no):
        """The notification, if its signature verifies with the platform key."""
        headers = {k.lower(): v for k, v in headers.items()}
        try:
            self.platform_key.verify(
                base64.b64decode(headers["x-signature"]),
                ("%s|%s" % (trade_no, headers["x-timestamp"])).encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            raise AssertionError("the callback's signature does not verify with the platform key")
        notification = json.loads(body)
        if notification["tradeNo"] != trade_no:
            raise AssertionError("a callback of %s, not %s" % (notification["tradeNo"], trade_no))
        return notification


class Receiver:
    """The merchant's callback handler: answers SUCCESS and keeps what arrived."""

    def __init__(self):
        received = self.received = queue.Queue()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                received.put((dict(self.headers.items()), body))
                answer = b"SUCCESS"
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/smilepayz/notify" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self, timeout=10):
        """The next callback: (headers, body)."""
        return self.received.get(timeout=timeout)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def order_no(partner_digits, tag):
    """A fresh sandbox orderNo: S<merchant digits>, a tag, the time in milliseconds."""
    return "S%s%s%d" % (partner_digits, tag, datetime.datetime.now().timestamp() * 1000)
