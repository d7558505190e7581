package dev.evertone.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.transport.SipTransport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CompletedResponsesTest {
  private static final InetSocketAddress PHONE = new InetSocketAddress("192.0.2.10", 5060);

  private static byte[] response(int i) {
    return ("SIP/2.0 200 OK\r\nCall-ID: " + i + "\r\n\r\n" + "x".repeat(400))
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The response kept under {@code key}; the test fails when there is none. */
  private static CompletedResponses.Kept kept(CompletedResponses store, String key, long now) {
    CompletedResponses.Kept kept = store.find(key, now);
    if (kept == null) {
      throw new AssertionError("no response is kept under " + key + " at " + now);
    }
    return kept;
  }

  @Test
  void keepsResponsesUntilTheirLifetimeEnds() {
    CompletedResponses store = new CompletedResponses(32_000, 8 << 20, 0);
    store.put("z9hG4bK1|h:5060|REGISTER", response(1), SipTransport.NoFlow.INSTANCE, PHONE, 1000);
    CompletedResponses.Kept kept = kept(store, "z9hG4bK1|h:5060|REGISTER", 32_999);
    assertThat(kept).isNotNull();
    assertThat(kept.response()).isEqualTo(response(1));
    assertThat(kept.destination()).isEqualTo(PHONE);
    assertThat(kept.flow()).isSameAs(SipTransport.NoFlow.INSTANCE);
    assertThat(store.find("z9hG4bK1|h:5060|REGISTER", 33_000)).isNull();
    assertThat(store.find("z9hG4bK2|h:5060|REGISTER", 2000)).isNull();
  }

  @Test
  void findsEntriesAcrossIndexWindowsAndManyEntries() {
    CompletedResponses store = new CompletedResponses(32_000, 64L << 20, 0);
    for (int i = 0; i < 50_000; i++) {
      store.put(
          "b" + i, response(i), SipTransport.NoFlow.INSTANCE, PHONE, i / 2); // 25 s of arrivals
    }
    for (int i = 0; i < 50_000; i += 997) {
      CompletedResponses.Kept k = kept(store, "b" + i, 30_000);
      assertThat(k).as("entry %d", i).isNotNull();
      assertThat(k.response()).isEqualTo(response(i));
    }
    assertThat(store.find("b0", 32_000)).isNull(); // put at 0: expired at 32 s
    assertThat(store.find("b49998", 56_998)).isNotNull();
    assertThat(store.evicted()).isZero();
  }

  @Test
  void aFullRingForgetsTheOldestFirst() {
    CompletedResponses store = new CompletedResponses(32_000, 2 << 20, 0); // two 1 MiB segments
    int n = 6000; // about 2.6 MiB of entries
    for (int i = 0; i < n; i++) {
      store.put("k" + i, response(i), SipTransport.NoFlow.INSTANCE, PHONE, 10);
    }
    assertThat(store.evicted()).isPositive();
    assertThat(store.find("k0", 20)).isNull();
    assertThat(store.find("k" + (n - 1), 20)).isNotNull();
    assertThat(store.bytes()).isLessThanOrEqualTo(2 << 20);
  }

  @Test
  void memoryOfExpiredSegmentsIsReleased() {
    CompletedResponses store = new CompletedResponses(1000, 16 << 20, 0);
    for (int i = 0; i < 10_000; i++) {
      store.put("k" + i, response(i), SipTransport.NoFlow.INSTANCE, PHONE, 0);
    }
    long before = store.bytes();
    assertThat(before).isGreaterThan(4 << 20);
    store.put(
        "late", response(0), SipTransport.NoFlow.INSTANCE, PHONE, 5000); // triggers the release
    assertThat(store.bytes()).isLessThan(before);
    assertThat(store.find("late", 5500)).isNotNull();
  }

  @Test
  void ipv6Destinations() {
    CompletedResponses store = new CompletedResponses(32_000, 4 << 20, 0);
    InetSocketAddress v6 = new InetSocketAddress("2001:db8::7", 5062);
    store.put("k", response(7), SipTransport.NoFlow.INSTANCE, v6, 0);
    assertThat(kept(store, "k", 1).destination()).isEqualTo(v6);
  }
}
