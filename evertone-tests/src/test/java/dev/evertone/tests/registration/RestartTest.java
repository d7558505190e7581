package dev.evertone.tests.registration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.registrar.ContactPing;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.tests.support.DeviceAnswers;
import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.Peers;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.UdpClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart unregisters nobody: registrations are written behind to the store and read back at
 * startup.
 */
class RestartTest {
  private static final String DOMAIN = "bench.test";
  private static final int SIPP_DEVICES = 10_000;
  private static final int PHONES = 20;
  @TempDir Path dir;
  private @Nullable ServerFixture fx;

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  /** The server this test started. */
  private ServerFixture fx() {
    return Objects.requireNonNull(fx, "no server started yet");
  }

  @Test
  @DisplayName(
      "10,000 SIPp registrations and 20 phones survive a restart; the phones answer evertone's OPTIONS without registering again")
  void registrationsSurviveARestart() throws Exception {
    Peers.require("sipp", "sip-tester");
    Path data = dir.resolve("data");
    fx = new ServerFixture(data);
    fx().provision(DOMAIN, SIPP_DEVICES + PHONES);
    Path scenario = Peers.resource(dir, "peers/sipp-register-auth.xml");
    Peers.Run run =
        Peers.run(
            dir,
            180,
            "sipp",
            "-sf",
            scenario.toString(),
            "-inf",
            Peers.users(dir, SIPP_DEVICES, "pw").toString(),
            "127.0.0.1:" + fx().udp().getPort(),
            "-t",
            "u1",
            "-i",
            "127.0.0.1",
            "-m",
            Integer.toString(SIPP_DEVICES),
            "-r",
            "1000",
            "-timeout",
            "120s",
            "-nostdin");
    assertThat(run.exit()).as(run.output()).isZero();
    List<UdpClient> phones = new ArrayList<>();
    try {
      for (int i = 0; i < PHONES; i++) {
        UdpClient phone = new UdpClient(fx().udp());
        String user = "u" + (100000 + SIPP_DEVICES + i);
        assertThat(DigestRegister.register(phone, user, DOMAIN, "pw" + user)).isEqualTo(200);
        phones.add(phone);
      }
      assertThat(fx().server.location().size()).isEqualTo(SIPP_DEVICES + PHONES);
      fx.close(); // writes what the last interval has not
      fx = null;

      fx = new ServerFixture(data);
      assertThat(fx().server.location().size())
          .as("every registration is back at startup")
          .isEqualTo(SIPP_DEVICES + PHONES);
      assertThat(fx().server.location().lookup("sip:u104242@" + DOMAIN))
          .singleElement()
          .satisfies(b -> assertThat(b.transport()).isEqualTo(TransportType.UDP));
      for (int i = 0; i < PHONES; i++) {
        String user = "u" + (100000 + SIPP_DEVICES + i);
        UdpClient phone = phones.get(i);
        CompletableFuture<List<ContactPing.Result>> ping =
            CompletableFuture.supplyAsync(
                () ->
                    fx().server
                        .registrations()
                        .ping(DOMAIN, user, java.time.Duration.ofSeconds(3)));
        String options = phone.receive(3000);
        assertThat(options)
            .as(user)
            .startsWith("OPTIONS sip:" + user + "@127.0.0.1:" + phone.port() + " SIP/2.0");
        // the restarted server listens on another port: the answer goes where the Via says
        Matcher via = Pattern.compile("Via: SIP/2\\.0/UDP ([0-9.]+):(\\d+);").matcher(options);
        assertThat(via.find()).isTrue();
        phone.sendTo(
            DeviceAnswers.answer(options, "200 OK"),
            new InetSocketAddress(via.group(1), Integer.parseInt(via.group(2))));
        assertThat(ping.get())
            .singleElement()
            .satisfies(
                r -> {
                  assertThat(r.reachable()).isTrue();
                  assertThat(r.status()).isEqualTo(200);
                });
      }
      assertThat(
              fx().server
                  .meters()
                  .get("evertone.registrar.requests")
                  .tag("outcome", "registered")
                  .counter()
                  .count())
          .as("no device registered again")
          .isZero();
    } finally {
      phones.forEach(UdpClient::close);
    }
  }
}
