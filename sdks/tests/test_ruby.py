"""The Ruby SDK: every file of the hand-written gem and of the generated gem (sdks/ruby/generated,
whose runtime needs Faraday, not packaged here) passes `ruby -c`; the gem's scenario
(sdks/ruby/examples/scenario.rb) runs against the live platform (sdks/tests/conftest.py); the
webhook controller helper verifies a signed request and answers 400 to a forged one."""

import subprocess

import pytest

from sdks.tests.conftest import SDKS, run_scenario, scenario_check, toolchain_or_skip

pytestmark = pytest.mark.slow
GEM = SDKS / "ruby"

CONTROLLER_CHECK = r"""
require "openchance"
require "stringio"
secret = "whsec_" + ["k" * 32].pack("m0")
OpenChance.configure(webhook_secret: secret)
Request = Struct.new(:body, :headers)
class Controller
  include OpenChance::WebhookController
  attr_reader :request, :answered
  def initialize(request) = @request = request
  def head(status) = @answered = status
end
body = '{"id":"evt_1","type":"challenge.created","data":{"object":{"id":"chl_1"}}}'
now = Time.now.to_i.to_s
signature = OpenChance::Webhook.new(secret).sign("msg_1", now, body)
headers = {"webhook-id" => "msg_1", "webhook-timestamp" => now, "webhook-signature" => signature}
good = Controller.new(Request.new(StringIO.new(body), headers))
good.verify_openchance_webhook!
forged = Controller.new(Request.new(StringIO.new(body.sub("chl_1", "chl_2")), headers))
forged.verify_openchance_webhook!
puts [good.openchance_event.type, good.openchance_event.object["id"], good.answered.inspect,
      forged.openchance_event.inspect, forged.answered].join(" ")
"""


def test_every_ruby_file_parses():
    toolchain_or_skip("ruby")
    files = sorted(str(path) for path in GEM.rglob("*.rb"))
    assert len(files) > 50, files  # the generated gem is there
    # One process compiles every file (`ruby -c` checks only its first argument).
    check = subprocess.run(
        ["ruby", "-e", "ARGV.each { |f| RubyVM::InstructionSequence.compile_file(f) }", *files],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]


def test_the_webhook_controller_helper():
    toolchain_or_skip("ruby")
    run = subprocess.run(
        ["ruby", "-Ilib", "-e", CONTROLLER_CHECK], cwd=GEM, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["challenge.created", "chl_1", "nil", "nil", "bad_request"]


def test_the_ruby_scenario(live_platform):
    toolchain_or_skip("ruby")
    result = run_scenario(
        ["ruby", "-Ilib", "examples/scenario.rb"], cwd=GEM, env=live_platform.env("ruby")
    )
    scenario_check(result, live_platform, stream=False)
