"""A chain of ~4,000 policy files linked by ``extends`` overflowed the stack (SIGSEGV) in
``Policy.from_file`` and in ``jiceng policy show`` (issue 17, item 12): it is refused with
an error naming the bound. Each check runs in a child process, so the crash it guards
against fails the test instead of ending the suite."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import jiceng

# The command sits beside the library in the build tree.
CLI = os.path.join(os.path.dirname(os.path.realpath(jiceng.library_path)), "jiceng")


def write_chain(directory, n):
    for k in range(n):
        base = "national" if k == 0 else "c%d" % (k - 1)
        with open(os.path.join(directory, "c%d.json" % k), "w", encoding="utf-8") as f:
            f.write('{"name": "c%d", "extends": "%s", "rules": []}' % (k, base))
    return os.path.join(directory, "c%d.json" % (n - 1))


class ExtendsChainTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jiceng_extends_")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.leaf = write_chain(self.tmp, 4000)

    def test_from_file_refuses_a_chain_of_thousands(self):
        probe = ("import jiceng, sys\n"
                 "try:\n"
                 "    jiceng.Policy.from_file(sys.argv[1])\n"
                 "    print('loaded')\n"
                 "except jiceng.InvalidArgument as e:\n"
                 "    print('refused:', e)\n")
        r = subprocess.run([sys.executable, "-c", probe, self.leaf], capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, "child died (%d): %s" % (r.returncode, r.stderr[-2000:]))
        self.assertIn("refused:", r.stdout)
        self.assertIn("would make the chain of extended sets 65 long, more than the 64 allowed", r.stdout)

    def test_policy_show_refuses_a_chain_of_thousands(self):
        if not os.path.exists(CLI):
            self.skipTest("the jiceng command is not built beside %s" % jiceng.library_path)
        r = subprocess.run([CLI, "policy", "show", self.leaf], capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 2, "exit %d: %s" % (r.returncode, r.stderr[-2000:]))  # input not loaded
        self.assertIn("jiceng policy show: policy file ", r.stderr)
        self.assertIn("more than the 64 allowed", r.stderr)

    def test_a_short_chain_still_loads(self):
        leaf = write_chain(tempfile.mkdtemp(dir=self.tmp), 5)
        with jiceng.Policy.from_file(leaf) as p:
            self.assertEqual(p.info()["chain"], ["c4", "c3", "c2", "c1", "c0", "national"])


if __name__ == "__main__":
    unittest.main()
