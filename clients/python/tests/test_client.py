"""The Python client against the real server (started once for this module, local mode)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import unittest
from typing import Optional
from unittest import mock

from model_registry import (BadInputError, ConflictError, ForbiddenError, IntegrityError, InterruptedDownloadError, NotFoundError,
                            Registry, UnauthenticatedError)

from .proxy import CuttingProxy
from .server import Server

server: Optional[Server] = None


def setUpModule() -> None:
    global server
    server = Server().start()


def tearDownModule() -> None:
    if server:
        server.stop()


class ClientTest(unittest.TestCase):
    registry = "vision"
    reg: Registry
    admin_token: str

    @classmethod
    def setUpClass(cls) -> None:
        assert server
        cls.admin_token = server.token("admin")
        cls.reg = Registry(server.url, token=cls.admin_token)
        cls.reg._graphql('mutation { createRegistry(input: {name: "%s"}) { registry { name } } }' % cls.registry, {})

    def setUp(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="py-client-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, name: str, data: bytes) -> str:
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def download_count(self, ref: str) -> int:
        r, m, v = ref.replace(":", "/").split("/")
        q = 'query { modelVersion(registry: "%s", model: "%s", ref: "%s") { downloadCount } }' % (r, m, v)
        return self.reg._graphql(q, {})["modelVersion"]["downloadCount"]

    def test_the_readme_snippet_links_promotes_and_pulls_verified_bytes(self) -> None:
        data = os.urandom(300_000)
        model = self.write("my_model.h5", data)
        v = self.reg.link_model(path=model, registered_model_name="MNIST", registry="vision",
                                aliases=["staging"], metrics={"acc": 0.93})
        self.assertEqual(v.full_name, "vision/MNIST:v0")
        self.assertEqual(v.metrics, {"acc": 0.93})
        self.assertIn("staging", v.aliases)
        self.assertTrue(self.reg.set_alias("vision/MNIST", "production", "v0", reason="approved"))
        self.assertFalse(self.reg.set_alias("vision/MNIST", "production", "v0"))
        path = self.reg.use_model("vision/MNIST:production", root=os.path.join(self.tmp, "model"))
        with open(os.path.join(path, "my_model.h5"), "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(os.listdir(path), ["my_model.h5"])  # no .part left behind

    def test_links_a_directory_uploading_only_what_the_server_lacks_and_dedupes(self) -> None:
        self.write("ckpt/config.json", b'{"layers": 3}')
        self.write("ckpt/weights/part-0.bin", os.urandom(50_000))
        first = self.reg.link_model(path=os.path.join(self.tmp, "ckpt"), registered_model_name="dir-model",
                                    registry="vision")
        again = self.reg.link_model(path=os.path.join(self.tmp, "ckpt"), registered_model_name="dir-model",
                                    registry="vision", dedupe=True)
        self.assertEqual((again.full_name, again.created), (first.full_name, False))
        out = self.reg.use_model("vision/dir-model:latest", root=os.path.join(self.tmp, "out"))
        self.assertTrue(os.path.isfile(os.path.join(out, "weights", "part-0.bin")))

    def test_a_symlink_loop_is_refused_as_bad_input(self) -> None:
        self.write("looped/model.bin", b"weights")
        os.symlink("..", os.path.join(self.tmp, "looped", "back"))
        with self.assertRaises(BadInputError) as loop:
            self.reg.link_model(path=os.path.join(self.tmp, "looped"), registered_model_name="loop", registry="vision")
        self.assertIn("symlink loop", str(loop.exception))

    def test_versions_best_first_by_a_metric(self) -> None:
        for acc in (0.80, 0.95, 0.90):
            self.reg.link_model(path=self.write(f"m-{acc}.bin", os.urandom(1000)), registered_model_name="ranked",
                                registry="vision", metrics={"acc": acc})
        self.assertEqual([v.name for v in self.reg.versions("vision/ranked")], ["v2", "v1", "v0"])
        self.assertEqual([v.metrics["acc"] for v in self.reg.versions("vision/ranked", order_by="acc")],
                         [0.95, 0.90, 0.80])

    def test_lineage_answers_the_graph_around_a_version(self) -> None:
        self.reg.link_model(path=self.write("l.bin", b"lineage"), registered_model_name="lin", registry="vision")
        graph = self.reg.lineage("vision/lin:v0")
        self.assertEqual([n["name"] for n in graph["nodes"]], ["vision/lin:v0"])
        self.assertIn("flowchart", graph["mermaid"])

    def test_errors_carry_the_server_code(self) -> None:
        assert server
        self.reg.link_model(path=self.write("e.bin", b"errors"), registered_model_name="err", registry="vision")
        with self.assertRaises(NotFoundError) as nf:
            self.reg.use_model("vision/err:no-such-alias", root=self.tmp)
        self.assertEqual(nf.exception.code, "NOT_FOUND")
        with self.assertRaises(ConflictError) as conflict:
            self.reg.set_alias("vision/err", "staging", "v0", expected="v7")
        self.assertEqual(conflict.exception.code, "CONFLICT")
        self.reg._graphql('mutation { grantRole(input: {registry: "vision", subject: "alice", role: MEMBER}) '
                          "{ binding { subject } } }", {})
        alice = Registry(server.url, token=server.token("alice"))
        self.assertTrue(alice.set_alias("vision/err", "staging", "v0"))
        with self.assertRaises(ForbiddenError) as forbidden:
            alice.set_alias("vision/err", "production", "v0")
        self.assertEqual(forbidden.exception.code, "FORBIDDEN")
        with self.assertRaises(UnauthenticatedError) as unauth:
            Registry(server.url, token="not-a-token").versions("vision/err")
        self.assertEqual(unauth.exception.code, "UNAUTHENTICATED")

    def test_resumes_a_partial_download_with_range(self) -> None:
        data = os.urandom(2_000_000)
        self.reg.link_model(path=self.write("big.bin", data), registered_model_name="resume", registry="vision")
        root = os.path.join(self.tmp, "pulled")
        os.makedirs(root)
        with open(os.path.join(root, "big.bin.part"), "wb") as f:
            f.write(data[:700_000])
        before = self.download_count("vision/resume:v0")
        self.reg.use_model("vision/resume:v0", root=root)
        with open(os.path.join(root, "big.bin"), "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).digest(), hashlib.sha256(data).digest())
        # The server counts a file once the response carrying its last byte goes out (docs/files.md):
        # the resumed range completed the file, so it counts once; a fresh pull counts once more.
        self.assertEqual(self.download_count("vision/resume:v0"), before + 1)
        self.reg.use_model("vision/resume:v0", root=os.path.join(self.tmp, "fresh"))
        self.assertEqual(self.download_count("vision/resume:v0"), before + 2)

    def test_a_download_cut_mid_stream_keeps_the_part_and_the_next_call_resumes(self) -> None:
        assert server
        data = os.urandom(4_000_000)
        self.reg.link_model(path=self.write("cut.bin", data), registered_model_name="cut", registry="vision")
        proxy = CuttingProxy(server.url)
        self.addCleanup(proxy.stop)
        via_proxy = Registry(proxy.url, token=self.admin_token)
        root = os.path.join(self.tmp, "pulled")
        proxy.cut_after = 1_000_000  # announces 4 MB, sends 1 MB, closes
        with self.assertRaises(InterruptedDownloadError) as cut:
            via_proxy.use_model("vision/cut:v0", root=root)
        self.assertIn("call again to resume", str(cut.exception))
        self.assertEqual(os.listdir(root), ["cut.bin.part"])
        self.assertEqual(os.path.getsize(os.path.join(root, "cut.bin.part")), 1_000_000)
        via_proxy.use_model("vision/cut:v0", root=root)
        with open(os.path.join(root, "cut.bin"), "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(os.listdir(root), ["cut.bin"])
        self.assertEqual([(d["range"], d["status"], d["bytes"]) for d in proxy.downloads],
                         [(None, 200, 1_000_000), ("bytes=1000000-", 206, 3_000_000)])

    def test_a_range_that_does_not_continue_the_part_starts_over(self) -> None:
        assert server
        data = os.urandom(300_000)
        self.reg.link_model(path=self.write("mis.bin", data), registered_model_name="misrange", registry="vision")
        proxy = CuttingProxy(server.url)
        self.addCleanup(proxy.stop)
        root = os.path.join(self.tmp, "pulled")
        os.makedirs(root)
        with open(os.path.join(root, "mis.bin.part"), "wb") as f:
            f.write(data[:100_000])
        proxy.wrong_range = True  # answers the range with bytes 0-…: appending them would corrupt the file
        Registry(proxy.url, token=self.admin_token).use_model("vision/misrange:v0", root=root)
        with open(os.path.join(root, "mis.bin"), "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertEqual([(d["range"], d["status"]) for d in proxy.downloads], [("bytes=100000-", 206), (None, 200)])

    def test_a_corrupt_partial_file_is_refused_and_removed(self) -> None:
        data = os.urandom(10_000)
        self.reg.link_model(path=self.write("c.bin", data), registered_model_name="corrupt", registry="vision")
        root = os.path.join(self.tmp, "pulled")
        os.makedirs(root)
        with open(os.path.join(root, "c.bin.part"), "wb") as f:
            f.write(os.urandom(10_000))  # whole size, wrong bytes
        with self.assertRaises(IntegrityError):
            self.reg.use_model("vision/corrupt:v0", root=root)
        self.assertEqual(os.listdir(root), [])
        self.reg.use_model("vision/corrupt:v0", root=root)
        with open(os.path.join(root, "c.bin"), "rb") as f:
            self.assertEqual(f.read(), data)

    def test_url_and_token_come_from_the_environment(self) -> None:
        assert server
        env = {"MODEL_REGISTRY_URL": server.url + "/graphql", "MODEL_REGISTRY_TOKEN": self.admin_token}
        with mock.patch.dict(os.environ, env):
            reg = Registry()
        self.assertEqual(reg.url, server.url)
        reg.link_model(path=self.write("env.bin", b"env"), registered_model_name="env", registry="vision")
        self.assertEqual([v.full_name for v in reg.versions("vision/env")], ["vision/env:v0"])
        with self.assertRaises(NotFoundError):
            reg.versions("vision/no-such-model")


if __name__ == "__main__":
    unittest.main()
