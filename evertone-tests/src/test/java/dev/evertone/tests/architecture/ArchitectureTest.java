package dev.evertone.tests.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout of docs/architecture.md, checked on the compiled classes of every module: data flows
 * one way through the layers, codecs know nothing of storage or HTTP, features talk to storage
 * through the repository interfaces and never see a database driver, and only the server module
 * wires.
 */
class ArchitectureTest {
  private static final String[] CODECS = {
    "dev.evertone.sip.message..",
    "dev.evertone.sip.parser..",
    "dev.evertone.sip.header..",
    "dev.evertone.sip.uri..",
    "dev.evertone.sip.syntax..",
    "dev.evertone.sdp.."
  };
  private static final String[] PROTOCOLS = {
    "dev.evertone.sip",
    "dev.evertone.sip.transport..",
    "dev.evertone.sip.transaction..",
    "dev.evertone.sip.auth..",
    "dev.evertone.sip.uas..",
    "dev.evertone.tls..",
    "dev.evertone.stun..",
    "dev.evertone.media.."
  };
  private static final String[] STORE = {
    "dev.evertone.store",
    "dev.evertone.store.provisioning..",
    "dev.evertone.store.routing..",
    "dev.evertone.store.registration..",
    "dev.evertone.store.audit..",
    "dev.evertone.store.admin..",
    "dev.evertone.store.status.."
  };
  private static final String[] SIP_SERVICES = {
    "dev.evertone.registrar..", "dev.evertone.proxy..", "dev.evertone.dispatch.."
  };
  private static final String[] FEATURES = {
    "dev.evertone.provisioning..",
    "dev.evertone.status..",
    "dev.evertone.conference..",
    "dev.evertone.recording..",
    "dev.evertone.park.."
  };
  private static final String[] SURFACES = {
    "dev.evertone.config..", "dev.evertone.http..", "dev.evertone.cli.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    // main classes only: not this module's tests, nor the test jars other modules share
    ImportOption mainOnly =
        location ->
            !location.contains("/test-classes/")
                && !location.asURI().toString().contains("-tests.jar");
    classes = new ClassFileImporter().withImportOption(mainOnly).importPackages("dev.evertone");
    assertThat(classes.containPackage("dev.evertone.sip.parser")).isTrue();
    assertThat(classes.containPackage("dev.evertone.sdp")).isTrue();
    assertThat(classes.containPackage("dev.evertone.media")).isTrue();
    assertThat(classes.containPackage("dev.evertone.server")).isTrue();
  }

  @Test
  void eachLayerUsesOnlyTheLayersBelowIt() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("codecs")
        .definedBy(CODECS)
        .layer("protocols")
        .definedBy(PROTOCOLS)
        .layer("store")
        .definedBy(STORE)
        .layer("store on JDBC")
        .definedBy("dev.evertone.store.jdbc..")
        .layer("SIP services")
        .definedBy(SIP_SERVICES)
        .layer("features")
        .definedBy(FEATURES)
        .layer("surfaces")
        .definedBy(SURFACES)
        .layer("wiring")
        .definedBy("dev.evertone.server..")
        .whereLayer("wiring")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("surfaces")
        .mayOnlyBeAccessedByLayers("wiring")
        .whereLayer("features")
        .mayOnlyBeAccessedByLayers("surfaces", "wiring")
        .whereLayer("SIP services")
        .mayOnlyBeAccessedByLayers("features", "surfaces", "wiring")
        .whereLayer("store on JDBC")
        .mayOnlyBeAccessedByLayers("surfaces", "wiring")
        .whereLayer("store")
        .mayOnlyBeAccessedByLayers(
            "store on JDBC", "SIP services", "features", "surfaces", "wiring")
        .whereLayer("protocols")
        .mayOnlyBeAccessedByLayers("SIP services", "features", "surfaces", "wiring")
        .check(classes);
  }

  @Test
  void codecsKnowNothingOfStorageNetworkOrHttp() {
    noClasses()
        .that()
        .resideInAnyPackage(CODECS)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.netty..", "java.sql..", "javax.sql..", "io.javalin..", "com.fasterxml..")
        .check(classes);
  }

  @Test
  void onlyTheStoreOnJdbcSeesTheDatabase() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.evertone.store.jdbc..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..",
            "javax.sql..",
            "org.flywaydb..",
            "com.zaxxer.hikari..",
            "org.sqlite..",
            "org.postgresql..")
        .check(classes);
  }
}
