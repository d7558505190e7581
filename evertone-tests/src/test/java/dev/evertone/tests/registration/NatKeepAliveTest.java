package dev.evertone.tests.registration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.tests.support.DigestRegister;
import dev.evertone.tests.support.ServerFixture;
import dev.evertone.tests.support.SipTestClient;
import dev.evertone.tests.support.UdpClient;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDP devices behind NAT get keep-alives through the socket they register to; the others get none.
 */
class NatKeepAliveTest {
  private static final String DOMAIN = "sip.example.com";
  @TempDir Path dir;
  private ServerFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = new ServerFixture(dir.resolve("data"), "registrar.nat-keepalive-interval=1s");
    fx.provision(DOMAIN, 3);
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  /**
   * A phone behind NAT: its Contact names its private address, its REGISTER comes from the NAT's.
   */
  private static SipTestClient behindNat(UdpClient phone) {
    return new SipTestClient() {
      @Override
      public String exchange(String text) throws IOException {
        return phone.exchange(text.replace("@127.0.0.1:" + phone.port() + ">", "@10.0.0.5:5060>"));
      }

      @Override
      public int port() {
        return phone.port();
      }

      @Override
      public String transport() {
        return "UDP";
      }
    };
  }

  @Test
  void aPhoneBehindNatGetsKeepAlivesAndAPhoneInTheOpenDoesNot() throws Exception {
    try (UdpClient natted = new UdpClient(fx.udp());
        UdpClient open = new UdpClient(fx.udp())) {
      assertThat(DigestRegister.register(behindNat(natted), "u100000", DOMAIN, "pwu100000"))
          .isEqualTo(200);
      assertThat(DigestRegister.register(open, "u100001", DOMAIN, "pwu100001")).isEqualTo(200);
      assertThat(fx.server.location().lookup("sip:u100000@" + DOMAIN).get(0).contact())
          .isEqualTo("sip:u100000@10.0.0.5:5060");
      assertThat(natted.receive(3000)).isEqualTo("\r\n\r\n");
      assertThat(natted.receive(3000)).as("once per interval").isEqualTo("\r\n\r\n");
      assertThat(open.poll(2500)).isNull();
      assertThat(fx.server.meters().get("evertone.registrar.nat.keepalives").counter().count())
          .isGreaterThanOrEqualTo(2);
    }
  }
}
