package dev.evertone.tests.conference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.conference.ConferenceView;
import dev.evertone.conference.Conferences;
import dev.evertone.conference.ParticipantView;
import dev.evertone.store.Actor;
import dev.evertone.tests.support.Await;
import dev.evertone.tests.support.Baresip;
import dev.evertone.tests.support.Cli;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conference rooms that evertone answers itself, with real phones: three baresip phones, each
 * playing its own tone, dial a room and each records the other two's tones and not its own; SIPp
 * callers key a room's PIN (RFC 4733 and SIP INFO), and a wrong one is told goodbye and hung up;
 * inside the dialog evertone answers OPTIONS, a hold and a resume.
 */
class ConferenceTest {
  private static final String DOMAIN = "example.com";
  @TempDir Path dir;

  private static Conferences conferences(ServerFixture fx) {
    return Objects.requireNonNull(fx.server.conferences(), "conference.rooms is empty");
  }

  @Test
  void threePhonesInARoomEachHearTheOtherTwoTonesAndNotTheirOwn() throws Exception {
    Peers.require("baresip", "baresip");
    try (ServerFixture fx =
        new ServerFixture(
            dir.resolve("data"), "media.host=127.0.0.1", "conference.rooms=800@" + DOMAIN)) {
      Baresip.lines(fx, DOMAIN, "1001", "1002", "1003");
      int server = fx.udp().getPort();
      Baresip.Audio[] tones = {
        Baresip.Audio.G711_440, Baresip.Audio.G711_1000, Baresip.Audio.G711_1500
      };
      int[] hertz = {440, 1000, 1500};
      List<Path> phones = new ArrayList<>();
      List<Process> running = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          String user = "100" + (i + 1);
          Path conf =
              Baresip.phone(dir.resolve(user), DOMAIN, user, "pw-" + user, server, tones[i], "");
          phones.add(conf);
          running.add(Baresip.run(conf, 14, "/dial sip:800@" + DOMAIN));
        }
        Await.until(
            Duration.ofSeconds(10),
            "three parties joined room 800",
            () ->
                conferences(fx).show("800@" + DOMAIN).participants().stream()
                        .filter(p -> p.state().equals("joined"))
                        .count()
                    == 3);
        ConferenceView room = conferences(fx).show("800@" + DOMAIN);
        assertThat(room.participants())
            .extracting(ParticipantView::caller)
            .containsExactlyInAnyOrder(
                "sip:1001@example.com", "sip:1002@example.com", "sip:1003@example.com");
        for (Process p : running) {
          assertThat(p.waitFor(40, TimeUnit.SECONDS)).isTrue();
        }
      } finally {
        running.forEach(Process::destroy);
      }
      for (int i = 0; i < 3; i++) {
        Path conf = phones.get(i);
        String saw = Files.readString(conf.resolve("out.txt"));
        for (int j = 0; j < 3; j++) {
          double share = Baresip.medianShare(conf, hertz[j], 100);
          if (i == j) {
            assertThat(share)
                .as("phone %d must not hear its own %d Hz%n%s", i, hertz[j], saw)
                .isLessThan(0.1);
          } else {
            assertThat(share).as("phone %d hears %d Hz%n%s", i, hertz[j], saw).isGreaterThan(0.25);
          }
        }
      }
      // the phones hung up: the room closed and its ports are free
      Await.until(
          Duration.ofSeconds(10), "everyone left", () -> conferences(fx).participants() == 0);
      assertThat(conferences(fx).show("800@" + DOMAIN).participants()).isEmpty();
      assertThat(fx.server.meters().get("evertone.conference.rooms").gauge().value()).isZero();
      assertThat(fx.server.meters().get("evertone.media.endpoints").gauge().value()).isZero();
    }
  }

  @Test
  void theRightPinKeyedAsRfc4733EventsLetsTheCallerIn() throws Exception {
    Peers.require("sipp", "sip-tester");
    try (ServerFixture fx =
        new ServerFixture(
            dir.resolve("data"),
            "media.host=127.0.0.1",
            "conference.rooms=801@" + DOMAIN + ";pin=123")) {
      Baresip.lines(fx, DOMAIN, "1001");
      Process caller = Peers.sippCaller(dir, fx, "uac-dtmf.xml", "801");
      try {
        Await.until(
            Duration.ofSeconds(15),
            "the caller joined after keying 123",
            () ->
                conferences(fx).show("801@" + DOMAIN).participants().stream()
                    .anyMatch(p -> p.state().equals("joined")));
        assertThat(caller.waitFor(40, TimeUnit.SECONDS)).isTrue();
        assertThat(caller.exitValue()).as(Files.readString(dir.resolve("sipp.txt"))).isZero();
      } finally {
        caller.destroy();
      }
      assertThat(
              fx.server
                  .meters()
                  .get("evertone.conference.joins")
                  .tag("how", "pin")
                  .counter()
                  .count())
          .isEqualTo(1);
      Await.until(
          Duration.ofSeconds(5), "the room closed", () -> conferences(fx).participants() == 0);
    }
  }

  @Test
  void aWrongPinIsToldGoodbyeAndHungUpByEvertone() throws Exception {
    Peers.require("sipp", "sip-tester");
    try (ServerFixture fx =
        new ServerFixture(
            dir.resolve("data"),
            "media.host=127.0.0.1",
            "conference.pin-tries=1",
            "conference.rooms=802@" + DOMAIN + ";pin=999")) {
      Baresip.lines(fx, DOMAIN, "1001");
      Process caller = Peers.sippCaller(dir, fx, "uac-pin-refused.xml", "802");
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
                  .get("evertone.conference.refused")
                  .tag("reason", "wrong_pin")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(fx.server.meters().find("evertone.conference.joins").counter()).isNull();
      Await.until(
          Duration.ofSeconds(5), "the room closed", () -> conferences(fx).participants() == 0);
    }
  }

  @Test
  void insideItsDialogEvertoneTakesAnInfoKeyAnswersOptionsHoldAndResumeAndABye() throws Exception {
    Peers.require("sipp", "sip-tester");
    try (ServerFixture fx =
        new ServerFixture(
            dir.resolve("data"),
            "media.host=127.0.0.1",
            "conference.rooms=803@" + DOMAIN + ";pin=4")) {
      Baresip.lines(fx, DOMAIN, "1001");
      Process caller = Peers.sippCaller(dir, fx, "uac-conference-dialog.xml", "803");
      try {
        Await.until(
            Duration.ofSeconds(15),
            "the caller joined after keying 4 in an INFO",
            () ->
                conferences(fx).show("803@" + DOMAIN).participants().stream()
                    .anyMatch(p -> p.state().equals("joined")));
        // the admin API and the CLI see the caller (never the PIN), and mute it
        String token = fx.server.store().tokens().create("conf", Actor.local("test"));
        var shown = fx.api("GET", "/api/v1/conferences/803@" + DOMAIN, null, token);
        assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
        assertThat(shown.body())
            .contains("\"caller\":\"sip:1001@example.com\"")
            .contains("\"state\":\"joined\"")
            .contains("\"pin\":true")
            .doesNotContain("\"4\"");
        var muted =
            fx.api(
                "POST", "/api/v1/conferences/803@" + DOMAIN + "/participants/1/mute", null, token);
        assertThat(muted.statusCode()).as(muted.body()).isEqualTo(200);
        assertThat(muted.body()).contains("\"muted\":true");
        var nobody =
            fx.api(
                "POST", "/api/v1/conferences/803@" + DOMAIN + "/participants/9/mute", null, token);
        assertThat(nobody.statusCode()).as(nobody.body()).isEqualTo(404);
        Map<String, String> env = Map.of("EVERTONE_SERVER", fx.http(), "EVERTONE_TOKEN", token);
        Cli.Result show = Cli.execute(env, "", "conferences", "show", "803@" + DOMAIN);
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out())
            .contains("803@example.com (PIN): 1 participant")
            .contains("sip:1001@example.com");
        Cli.Result list = Cli.execute(env, "", "conferences", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("803@example.com");
        assertThat(caller.waitFor(40, TimeUnit.SECONDS)).isTrue();
        assertThat(caller.exitValue()).as(Files.readString(dir.resolve("sipp.txt"))).isZero();
      } finally {
        caller.destroy();
      }
      Await.until(
          Duration.ofSeconds(5), "the room closed", () -> conferences(fx).participants() == 0);
      assertThat(fx.server.meters().get("evertone.legs").gauge().value()).isZero();
      assertThat(fx.server.meters().get("evertone.media.endpoints").gauge().value()).isZero();
    }
  }

  @Test
  void anAdministratorKicksAParticipantAndEvertoneHangsItsCallUp() throws Exception {
    Peers.require("sipp", "sip-tester");
    try (ServerFixture fx =
        new ServerFixture(
            dir.resolve("data"), "media.host=127.0.0.1", "conference.rooms=804@" + DOMAIN)) {
      Baresip.lines(fx, DOMAIN, "1001");
      // the caller stays on the line until evertone's BYE
      Process caller = Peers.sippCaller(dir, fx, "uac-until-bye.xml", "804");
      try {
        Await.until(
            Duration.ofSeconds(15),
            "the caller joined the open room",
            () -> conferences(fx).participants() == 1);
        String token = fx.server.store().tokens().create("conf", Actor.local("test"));
        Map<String, String> env = Map.of("EVERTONE_SERVER", fx.http(), "EVERTONE_TOKEN", token);
        Cli.Result kick = Cli.execute(env, "", "conferences", "kick", "804@" + DOMAIN, "1");
        assertThat(kick.code()).as(kick.err()).isZero();
        assertThat(caller.waitFor(40, TimeUnit.SECONDS)).isTrue();
        assertThat(caller.exitValue()).as(Files.readString(dir.resolve("sipp.txt"))).isZero();
        Cli.Result again = Cli.execute(env, "", "conferences", "kick", "804@" + DOMAIN, "1");
        assertThat(again.code()).isNotZero();
        assertThat(again.err()).contains("nobody is in conference room 804@example.com");
      } finally {
        caller.destroy();
      }
      Await.until(
          Duration.ofSeconds(5), "the room closed", () -> conferences(fx).participants() == 0);
    }
  }
}
