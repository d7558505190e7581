package dev.evertone.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The proxy's counters: {@code evertone.proxy.requests}, by outcome. */
final class ProxyCounters {
  /** Requests that rang the devices of a line or an extension. */
  final Counter forwarded;

  /** Requests for a line or an extension with no device to ring: 480. */
  final Counter unavailable;

  /** Requests inside a dialog this proxy record-routed. */
  final Counter inDialog;

  /** Requests inside a dialog this proxy did not set up: refused or dropped. */
  final Counter notOurDialog;

  /** Calls from a carrier to one of a domain's numbers. */
  final Counter fromTrunk;

  /** Calls out through a domain's trunks. */
  final Counter toTrunk;

  /** Calls handed to the next trunk after a carrier failed. */
  final Counter trunkFailovers;

  /** Calls sent on by a forwarding rule. */
  final Counter forwardedByRule;

  /** Requests another node of the cluster relayed to a device registered here. */
  final Counter relayedForNode;

  ProxyCounters(MeterRegistry meters) {
    forwarded = requests("forwarded", meters);
    unavailable = requests("unavailable", meters);
    inDialog = requests("in-dialog", meters);
    notOurDialog = requests("not-our-dialog", meters);
    fromTrunk = requests("from-trunk", meters);
    toTrunk = requests("to-trunk", meters);
    trunkFailovers = requests("trunk-failover", meters);
    forwardedByRule = requests("forwarded-by-rule", meters);
    relayedForNode = requests("relayed-for-node", meters);
  }

  private static Counter requests(String outcome, MeterRegistry meters) {
    return Counter.builder("evertone.proxy.requests")
        .tag("outcome", outcome)
        .description("requests the proxy handled, by outcome")
        .register(meters);
  }
}
