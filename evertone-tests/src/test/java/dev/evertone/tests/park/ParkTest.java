package dev.evertone.tests.park;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evertone.park.ParkedView;
import dev.evertone.park.Parking;
import dev.evertone.store.Actor;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.Baresip;
import dev.evertone.tests.support.Cli;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.Tones;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Park and grab with real phones: a baresip phone parks itself by dialling the park extension (or
 * is REFERred there by the phone it talks to) and a second one grabs it by dialling the slot, and
 * each hears the other's tone; SIPp dials an empty slot (told so and hung up), and sends the INVITE
 * of a call transferred to the park extension (Referred-By), which nobody grabs (goodbye, hung up
 * at the lot's timeout).
 */
class ParkTest {
  private static final String DOMAIN = "example.com";
  private static final String LOT = "park.lots=700@" + DOMAIN + ";slots=701-709;timeout=5s";
  @TempDir Path dir;

  private static Parking parking(ServerFixture fx) {
    return Objects.requireNonNull(fx.server.parking(), "park.lots is empty");
  }

  /** How many 20 ms blocks of what a phone recorded are mostly {@code hertz}. */
  private static long blocksOf(Path conf, int hertz) throws Exception {
    Path wav = Baresip.heard(conf);
    assertThat(wav).as("what the phone in " + conf + " heard").isNotNull();
    assertThat(Tones.recorded(wav)).as(wav + " recorded").isTrue();
    List<Double> shares = Tones.shares(Tones.samples(wav, 0), Tones.rate(wav), hertz);
    return shares.stream().filter(s -> s > 0.5).count();
  }

  @Test
  void aPhoneParkedByDiallingTheLotIsGrabbedByAnotherDiallingTheSlotAndEachHearsTheOther()
      throws Exception {
    Peers.require("baresip", "baresip");
    try (ServerFixture fx =
        new ServerFixture(
            dir.resolve("data"),
            "media.host=127.0.0.1",
            "park.lots=700@" + DOMAIN + ";slots=701-709;timeout=60s")) {
      Baresip.lines(fx, DOMAIN, "1001", "1002");
      int server = fx.udp().getPort();
      Path parked =
          Baresip.phone(
              dir.resolve("1001"), DOMAIN, "1001", "pw-1001", server, Baresip.Audio.G711_440, "");
      Path grabbing =
          Baresip.phone(
              dir.resolve("1002"), DOMAIN, "1002", "pw-1002", server, Baresip.Audio.G711_1000, "");
      Process parking = Baresip.run(parked, 30, "/dial sip:700@" + DOMAIN);
      Process grab = null;
      try {
        Await.until(
            Duration.ofSeconds(10),
            "1001 parked in slot 701",
            () -> !parking(fx).list(DOMAIN).isEmpty());
        ParkedView slot = parking(fx).list(DOMAIN).get(0);
        assertThat(slot.lot()).isEqualTo("700@example.com");
        assertThat(slot.slot()).isEqualTo("701");
        assertThat(slot.party()).isEqualTo("sip:1001@example.com");
        assertThat(slot.parker()).isEqualTo("sip:1001@example.com");
        grab = Baresip.run(grabbing, 8, "/dial sip:701@" + DOMAIN);
        assertThat(grab.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // the grabbing phone hung up: evertone hangs up the parked one (long before its 30 s)
        Await.until(
            Duration.ofSeconds(5),
            "both calls ended",
            () -> fx.server.meters().get("evertone.legs").gauge().value() == 0);
        assertThat(parking.isAlive())
            .as("1001 still runs: its call was ended by evertone")
            .isTrue();
      } finally {
        parking.destroy();
        if (grab != null) {
          grab.destroy();
        }
      }
      parking.waitFor(10, TimeUnit.SECONDS);
      String grabberSaw = Files.readString(grabbing.resolve("out.txt"));
      String parkedSaw = Files.readString(parked.resolve("out.txt"));
      // some 5 s of each other's tone, each way, and never its own
      assertThat(blocksOf(grabbing, 440)).as("1002 hears 1001%n%s", grabberSaw).isGreaterThan(150);
      assertThat(blocksOf(grabbing, 1000)).as("1002 hears itself%n%s", grabberSaw).isLessThan(10);
      assertThat(blocksOf(parked, 1000)).as("1001 hears 1002%n%s", parkedSaw).isGreaterThan(150);
      assertThat(blocksOf(parked, 440)).as("1001 hears itself%n%s", parkedSaw).isLessThan(10);
      assertThat(parking(fx).list(null)).isEmpty();
      assertThat(parking(fx).parked()).isZero();
      assertThat(
              fx.server
                  .meters()
                  .get("evertone.park.calls")
                  .tag("outcome", "grabbed")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(fx.server.meters().get("evertone.media.endpoints").gauge().value()).isZero();
    }
  }

  @Test
  void anEmptySlotIsToldSoAndHungUpByEvertone() throws Exception {
    Peers.require("sipp", "sip-tester");
    try (ServerFixture fx = new ServerFixture(dir.resolve("data"), "media.host=127.0.0.1", LOT)) {
      Baresip.lines(fx, DOMAIN, "1001");
      Process caller = Peers.sippCaller(dir, fx, "uac-until-bye.xml", "705");
      try {
        assertThat(caller.waitFor(40, TimeUnit.SECONDS)).isTrue();
        // SIPp ends well only when evertone's BYE came (and was answered)
        assertThat(caller.exitValue()).as(Files.readString(dir.resolve("sipp.txt"))).isZero();
      } finally {
        caller.destroy();
      }
      assertThat(
              fx.server
                  .meters()
                  .get("evertone.park.calls")
                  .tag("outcome", "empty_slot")
                  .counter()
                  .count())
          .isEqualTo(1);
      Await.until(
          Duration.ofSeconds(5),
          "the call ended",
          () -> fx.server.meters().get("evertone.legs").gauge().value() == 0);
    }
  }

  @Test
  void aCallTransferredToTheLotRemembersItsReferrerAndIsHungUpAtTheTimeout() throws Exception {
    Peers.require("sipp", "sip-tester");
    try (ServerFixture fx = new ServerFixture(dir.resolve("data"), "media.host=127.0.0.1", LOT)) {
      Baresip.lines(fx, DOMAIN, "1001", "1002");
      long start = System.nanoTime();
      Process caller = Peers.sippCaller(dir, fx, "uac-referred-until-bye.xml", "700");
      try {
        Await.until(
            Duration.ofSeconds(10),
            "the transferred call is parked",
            () -> !parking(fx).list(DOMAIN).isEmpty());
        ParkedView slot = parking(fx).list(DOMAIN).get(0);
        assertThat(slot.slot()).isEqualTo("701");
        assertThat(slot.party()).isEqualTo("sip:1001@example.com");
        assertThat(slot.parker()).isEqualTo("sip:1002@example.com");
        // the admin API and the CLI show the occupied slot
        String token = fx.server.store().tokens().create("park", Actor.local("test"));
        var listed = fx.api("GET", "/api/v1/park?domain=" + DOMAIN, null, token);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(listed.body())
            .contains("\"slot\":\"701\"")
            .contains("\"party\":\"sip:1001@example.com\"")
            .contains("\"parker\":\"sip:1002@example.com\"")
            .contains("\"lot\":\"700@example.com\"");
        Map<String, String> env = Map.of("EVERTONE_SERVER", fx.http(), "EVERTONE_TOKEN", token);
        Cli.Result list = Cli.execute(env, "", "park", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out())
            .contains("700@example.com")
            .contains("701")
            .contains("sip:1001@example.com")
            .contains("sip:1002@example.com");
        assertThat(caller.waitFor(40, TimeUnit.SECONDS)).isTrue();
        assertThat(caller.exitValue()).as(Files.readString(dir.resolve("sipp.txt"))).isZero();
      } finally {
        caller.destroy();
      }
      // not before the lot's 5 s
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(5));
      assertThat(
              fx.server
                  .meters()
                  .get("evertone.park.calls")
                  .tag("outcome", "timeout")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(parking(fx).list(null)).isEmpty();
      Await.until(
          Duration.ofSeconds(5),
          "the call ended",
          () -> fx.server.meters().get("evertone.legs").gauge().value() == 0);
    }
  }

  /** What a baresip phone printed so far. */
  private static String printed(Path conf) {
    try {
      return Files.readString(conf.resolve("out.txt"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aPhoneTransferredToTheLotByABaresipReferIsParked() throws Exception {
    Peers.require("baresip", "baresip");
    try (ServerFixture fx = new ServerFixture(dir.resolve("data"), "media.host=127.0.0.1", LOT)) {
      Baresip.lines(fx, DOMAIN, "1001", "1002");
      int server = fx.udp().getPort();
      Path transferred =
          Baresip.phone(
              dir.resolve("1001"),
              DOMAIN,
              "1001",
              "pw-1001",
              server,
              Baresip.Audio.G711_440,
              ";answermode=auto");
      Path transferor =
          Baresip.phone(
              dir.resolve("1002"), DOMAIN, "1002", "pw-1002", server, Baresip.Audio.G711_1000, "");
      Process answering = Baresip.run(transferred, 25, null);
      Process dialling = null;
      try {
        Baresip.awaitRegistered(fx, "sip:1001@" + DOMAIN, transferred);
        dialling = Baresip.run(transferor, 20, "/dial sip:1001@" + DOMAIN);
        Await.until(
            Duration.ofSeconds(10),
            "1002's call to 1001 is established",
            () -> printed(transferor).contains("established"));
        // 1002 REFERs 1001 to the park extension (RFC 3515); 1001 INVITEs 700
        String answer = Baresip.command(transferor, "transfer sip:700@" + DOMAIN);
        Await.until(
            Duration.ofSeconds(10),
            "1001 parked after the REFER ("
                + answer
                + ")\n"
                + Files.readString(transferred.resolve("out.txt")),
            () -> !parking(fx).list(DOMAIN).isEmpty());
        ParkedView slot = parking(fx).list(DOMAIN).get(0);
        assertThat(slot.slot()).isEqualTo("701");
        assertThat(slot.party()).isEqualTo("sip:1001@example.com");
        // baresip 1.0 puts no Referred-By in its REFER nor in the INVITE it sends after one: the
        // parker is then the parked phone itself (SIPp's transferred INVITE shows Referred-By read)
        assertThat(slot.parker()).isEqualTo("sip:1001@example.com");
      } finally {
        answering.destroy();
        if (dialling != null) {
          dialling.destroy();
        }
      }
    }
  }

  @Test
  void aLotWhoseExtensionIsOneOfItsSlotsStopsTheServerFromStartingNamingTheKey() {
    assertThatThrownBy(
            () ->
                new ServerFixture(dir.resolve("data"), "park.lots=705@" + DOMAIN + ";slots=701-709")
                    .close())
        .hasMessageContaining("park.lots: the extension 705@example.com is one of its own slots");
  }
}
