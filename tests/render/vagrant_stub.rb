# Executes a Vagrantfile without Vagrant: every config call is accepted and ignored, every block
# runs. Used by the hostile-spec tests to prove that evaluating a rendered Vagrantfile runs no
# injected Ruby (an injected #{...} or backtick would execute here).
class Rec
  def method_missing(_name, *_args, &block)
    block&.call(Rec.new, Rec.new)
    Rec.new
  end

  def respond_to_missing?(*) = true
end

module Vagrant
  def self.configure(_version)
    yield Rec.new
  end
end

load ARGV.fetch(0)
