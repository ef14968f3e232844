"""WeasyPrint reads only our static files and fonts (issue 17 item 6, 等保 2.0 入侵防范): an
image or stylesheet under the static folders is embedded; a ``file:`` elsewhere (``/etc/passwd``,
a file next to the static folder, a symbolic link or ``..`` out of it), an ``http:`` URL (here
a real server on the loopback that records every request) and a ``data:`` URL are refused —
the PDF is still written, without them, and the server is never called."""

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from PIL import Image
from pypdf import PdfReader

from documents import pdf
from documents.fetcher import allowed_path


def png(path, colour="red"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), colour).save(path, "PNG")
    return path


@pytest.fixture
def folders(settings, tmp_path):
    static = tmp_path / "static"
    settings.STATICFILES_DIRS = [static]
    settings.STATIC_ROOT = str(tmp_path / "collected")
    inside = png(static / "img" / "seal.png")
    outside = png(tmp_path / "private" / "secret.png", "blue")
    (static / "img" / "link.png").symlink_to(outside)
    return {"static": static, "inside": inside, "outside": outside}


@pytest.fixture
def server():
    """A web server on the loopback that records the paths asked of it."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            buffer = io.BytesIO()
            Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
            self.wfile.write(buffer.getvalue())

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", asked
    httpd.shutdown()


def render(monkeypatch, body: str) -> bytes:
    monkeypatch.setattr(pdf, "render_to_string", lambda template, context: body)
    content, _pages = pdf.render_pdf("unused.html", {})
    return content


def image_count(content: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(content)).pages)


def test_a_static_image_is_embedded(folders, monkeypatch):
    content = render(monkeypatch, f'<p>印章</p><img src="{folders["inside"].as_uri()}">')
    assert image_count(content) == 1


def test_files_outside_the_static_folders_are_refused(folders, monkeypatch):
    refused = [
        folders["outside"].as_uri(),
        (folders["static"] / "img" / "link.png").as_uri(),  # a symbolic link out
        folders["static"].as_uri() + "/../private/secret.png",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==",
    ]
    body = "<p>正文</p>" + "".join(f'<img src="{url}">' for url in refused)
    body += '<link rel="stylesheet" href="file:///etc/passwd">'
    content = render(monkeypatch, body)
    assert content.startswith(b"%PDF")
    assert image_count(content) == 0
    for url in refused:
        assert allowed_path(url) is None, url
    assert allowed_path(folders["inside"].as_uri()) == str(folders["inside"].resolve())


def test_no_url_of_the_network_is_called(folders, server, monkeypatch):
    base, asked = server
    content = render(
        monkeypatch,
        f'<p>正文</p><img src="{base}/logo.png">'
        f'<link rel="stylesheet" href="{base}/style.css">'
        f"<div style=\"background: url('{base}/bg.png')\">背景</div>",
    )
    assert image_count(content) == 0
    assert asked == []


def test_the_server_records_requests_when_asked_directly(server):
    """The control of the test above: the recording server does answer when called."""
    from urllib.request import urlopen

    base, asked = server
    with urlopen(f"{base}/logo.png") as response:  # noqa: S310
        assert response.status == 200
    assert asked == ["/logo.png"]
