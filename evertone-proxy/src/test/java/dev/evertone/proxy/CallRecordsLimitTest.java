package dev.evertone.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.parser.SipParser;
import dev.evertone.store.calls.CallRecord;
import dev.evertone.store.calls.CallRecordRepository;
import dev.evertone.store.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** A flood of INVITEs never grows the calls in progress past proxy.call-records.max-in-progress. */
class CallRecordsLimitTest {
  private static final SipParser PARSER = new SipParser(ParseLimits.DEFAULT);

  /** The records written, in memory. */
  private static final class Written implements CallRecordRepository {
    final List<CallRecord> records = new ArrayList<>();

    @Override
    public long add(CallRecord record) {
      records.add(record);
      return records.size();
    }

    @Override
    public List<CallRecord> list(
        @Nullable String domain, @Nullable Instant since, @Nullable Instant until, int limit) {
      return records;
    }

    @Override
    public int deleteBefore(Instant before) {
      return 0;
    }
  }

  private static SipRequest invite(String callId) {
    String text =
        "INVITE sip:1002@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK"
            + callId
            + "\r\nMax-Forwards: 70\r\nFrom: <sip:1001@example.com>;tag=a\r\n"
            + "To: <sip:1002@example.com>\r\nCall-ID: "
            + callId
            + "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    return (SipRequest) PARSER.parse(text.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void pastTheLimitTheOldestCallIsClosedByTheSystemAndNoMoreAreKept() {
    Written store = new Written();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    CallRecords records =
        CallRecords.to(store, Runnable::run, MediaAnchor.direct(), meters, new TestClock(), 2);
    for (int i = 1; i <= 5; i++) {
      records.started(invite("c" + i), "example.com");
    }
    assertThat(records.inProgress()).isEqualTo(2);
    assertThat(store.records).extracting(CallRecord::callId).containsExactly("c1", "c2", "c3");
    assertThat(store.records)
        .allMatch(r -> r.endedBy() == CallRecord.EndedBy.SYSTEM && r.status() == 408);
    assertThat(meters.get("evertone.calls").tag("outcome", "no_answer").counter().count())
        .isEqualTo(3);

    // the calls still followed end as usual
    records.failed(invite("c5"), 486, CallRecord.EndedBy.CALLEE);
    assertThat(records.inProgress()).isEqualTo(1);
    assertThat(store.records.get(3).status()).isEqualTo(486);
  }
}
