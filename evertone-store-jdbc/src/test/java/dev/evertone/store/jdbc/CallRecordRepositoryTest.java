package dev.evertone.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.calls.CallRecord;
import dev.evertone.store.calls.CallRecordRepository;
import dev.evertone.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Call records as the proxy writes them and the API lists them, on both databases. */
class CallRecordRepositoryTest {
  @TempDir Path dir;

  private static CallRecord call(
      String domain, long setup, CallRecord.@Nullable Quality quality, int status) {
    return new CallRecord(
        0,
        "call-" + domain + "-" + setup,
        domain,
        "sip:1001@" + domain,
        "sip:1002@" + domain,
        status == 200 ? "carrier-a" : null,
        status == 200 ? CallRecord.Direction.OUTBOUND : CallRecord.Direction.INTERNAL,
        Instant.ofEpochMilli(setup),
        status == 200 ? Instant.ofEpochMilli(setup + 2_000) : null,
        Instant.ofEpochMilli(setup + 60_000),
        status,
        status == 200 ? CallRecord.EndedBy.CALLEE : CallRecord.EndedBy.CALLER,
        quality);
  }

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void callsAreListedNewestFirstByDomainAndTimeAndOldOnesExpire(TestDatabases.Kind kind) {
    try (JdbcStore store = JdbcStore.open(TestDatabases.fresh(kind, dir), Clock.systemUTC())) {
      CallRecordRepository calls = store.calls();
      CallRecord.Quality q = new CallRecord.Quality(1500, 1490, 3, 0, 1.25, 0.5, 4.31);
      CallRecord answered = call("example.com", 10_000, q, 200);
      long id = calls.add(answered);
      assertThat(id).isPositive();
      calls.add(call("example.com", 20_000, null, 486));
      calls.add(call("other.example", 30_000, null, 487));

      assertThat(calls.list(null, null, null, 10))
          .extracting(CallRecord::status)
          .containsExactly(487, 486, 200);
      // every field comes back as written, the quality of the anchored call included
      CallRecord back = calls.list("example.com", null, Instant.ofEpochMilli(20_000), 10).get(0);
      assertThat(back).isEqualTo(withId(answered, id));
      assertThat(calls.list("example.com", Instant.ofEpochMilli(20_000), null, 10))
          .extracting(CallRecord::status)
          .containsExactly(486);
      assertThat(calls.list(null, null, null, 1)).hasSize(1);

      assertThat(calls.deleteBefore(Instant.ofEpochMilli(25_000))).isEqualTo(2);
      assertThat(calls.list(null, null, null, 10))
          .extracting(CallRecord::domain)
          .containsExactly("other.example");
    }
  }

  private static CallRecord withId(CallRecord r, long id) {
    return new CallRecord(
        id,
        r.callId(),
        r.domain(),
        r.caller(),
        r.callee(),
        r.trunk(),
        r.direction(),
        r.setupAt(),
        r.answeredAt(),
        r.endedAt(),
        r.status(),
        r.endedBy(),
        r.quality());
  }
}
