package dev.evertone.proxy;

import dev.evertone.sip.message.StatusCode;
import dev.evertone.store.routing.ForwardRule;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarding rules of an extension: always (its devices do not ring), when not registered, when
 * busy, when not answered within its seconds. A rule that applies sends the call on to its target,
 * an extension or a number, through the {@link CallRouter}; a call forwarded too often is a loop.
 */
final class ForwardingRules {
  private static final Logger log = LoggerFactory.getLogger(ForwardingRules.class);

  /**
   * How many times one call may be forwarded (extension to extension to number...) before it is a
   * loop.
   */
  private static final int MAX_FORWARDS_OF_A_CALL = 4;

  private final CallRouter router;
  private final ProxyCounters counters;

  ForwardingRules(CallRouter router, ProxyCounters counters) {
    this.router = router;
    this.counters = counters;
  }

  /** The rule "always": the call goes to its target and no device rings. False: there is none. */
  boolean always(Call call, Map<ForwardRule.Kind, ForwardRule> rules, int depth) {
    return apply(call, rules.get(ForwardRule.Kind.ALWAYS), depth);
  }

  /**
   * No device of the extension can be reached: its rule "not registered" applies, or else its rule
   * "no answer". False: it has neither.
   */
  boolean unreachable(Call call, Map<ForwardRule.Kind, ForwardRule> rules, int depth) {
    return apply(
        call,
        rules.getOrDefault(ForwardRule.Kind.UNREGISTERED, rules.get(ForwardRule.Kind.NO_ANSWER)),
        depth);
  }

  /** Whether a rule may apply once the devices have rung: "busy" or "no answer". */
  static boolean afterRingingApplies(Map<ForwardRule.Kind, ForwardRule> rules) {
    return rules.containsKey(ForwardRule.Kind.BUSY)
        || rules.containsKey(ForwardRule.Kind.NO_ANSWER);
  }

  /**
   * The devices rang and none answered: "busy" applies to a 486 or 600, "no answer" when they rang
   * for its seconds ({@code redirected}) or answered 408 or 480. False: neither applies.
   *
   * @param status the best final status of the devices
   */
  boolean afterRinging(
      Call call,
      Map<ForwardRule.Kind, ForwardRule> rules,
      int status,
      boolean redirected,
      int depth) {
    if (status == StatusCode.BUSY_HERE || status == 600) {
      if (apply(call, rules.get(ForwardRule.Kind.BUSY), depth)) {
        return true;
      }
    }
    return (redirected
            || status == StatusCode.REQUEST_TIMEOUT
            || status == StatusCode.TEMPORARILY_UNAVAILABLE)
        && apply(call, rules.get(ForwardRule.Kind.NO_ANSWER), depth);
  }

  /** The rule "no answer" with seconds: the devices ring that long, then the rule applies. */
  void limitRinging(Call call, Map<ForwardRule.Kind, ForwardRule> rules) {
    ForwardRule noAnswer = rules.get(ForwardRule.Kind.NO_ANSWER);
    Integer seconds = noAnswer == null ? null : noAnswer.afterSeconds();
    if (seconds != null) {
      call.responses().redirectAfter(seconds * 1000L);
    }
  }

  /** A rule applies, if there is one: the call goes on to its target. */
  private boolean apply(Call call, @Nullable ForwardRule rule, int depth) {
    if (rule == null) {
      return false;
    }
    if (depth + 1 >= MAX_FORWARDS_OF_A_CALL) {
      log.warn(
          "{}@{}: forwarding goes round in circles ({} -> {}); the call ends here",
          rule.extension(),
          rule.domain(),
          rule.kind().lowerName(),
          rule.target());
      call.respond(StatusCode.LOOP_DETECTED, "Loop Detected (forwarding)");
      return true;
    }
    log.debug(
        "{}@{}: forwarded ({}) to {}",
        rule.extension(),
        rule.domain(),
        rule.kind().lowerName(),
        rule.target());
    counters.forwardedByRule.increment();
    // an extension of that name if there is one, else a number to dial
    router.toUser(call, rule.target(), depth + 1);
    return true;
  }
}
