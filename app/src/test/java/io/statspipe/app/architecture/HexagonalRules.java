package io.statspipe.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.domain.properties.HasOwner;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;

/**
 * The dependency rules of docs/ARCHITECTURE.md, for the packages below {@code root}: the real code
 * uses {@code io.statspipe}, the rules' own test a fixture of deliberately bad classes.
 */
final class HexagonalRules {
    private HexagonalRules() {
    }

    /**
     * domain: the JDK, and Apache DataSketches for the HLL sketch of unique counts (a library of
     * algorithms, not an engine: named here so that nothing else slips in).
     */
    static ArchRule domainDependsOnTheJdkAndDataSketchesOnly(String root) {
        return classes().that().resideInAPackage(root + ".domain..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.apache.datasketches..", root + ".domain..")
                .because("domain is the pure model: no framework, no engine, no logging framework");
    }

    /** ports: the JDK and domain only. */
    static ArchRule portsDependOnDomainOnly(String root) {
        return classes().that().resideInAPackage(root + ".ports..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", root + ".domain..", root + ".ports..")
                .because("ports and use cases speak only the domain; engines plug in behind them");
    }

    /** migration: engines arrive through ports. */
    static ArchRule migrationUsesPortsOnly(String root) {
        return classes().that().resideInAPackage(root + ".migration..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", root + ".domain..", root + ".ports..", root + ".migration..")
                .because("the migration works through ports; app wires the engines in");
    }

    /** No adapter knows another adapter. */
    static ArchRule adaptersAreIndependent(String root) {
        return SlicesRuleDefinition.slices().matching(root + ".adapter.(*)..")
                .should().notDependOnEachOther()
                .because("each engine is one adapter; only app decides which engine serves which port");
    }

    /** app parses no input: the StatsD and JSON parsers are the ingest adapter's ({@code adapter.ingest}). */
    static ArchRule appHoldsNoParser(String root) {
        return noClasses().that().resideInAPackage(root + ".app..")
                .should().haveSimpleNameEndingWith("Parser")
                .because("input is parsed by the ingest adapter; app wires, configures and runs the command line");
    }

    /** app hands no event to the inbound port: the ingest adapter's UDP listener and HTTP endpoint do. */
    static ArchRule appRecordsNoInput(String root) {
        return noClasses().that().resideInAPackage(root + ".app..")
                .should().callMethodWhere(JavaCall.Predicates.target(HasOwner.Predicates.With.owner(
                        HasName.Predicates.name(root + ".ports.in.RecordEventsUseCase"))))
                .because("the ingest adapter drives the inbound port; app only mounts its endpoints");
    }

    /** app implements no outbound port: each implementation lives in the adapter of its engine (or in migration, for files). */
    static ArchRule appImplementsNoOutboundPort(String root) {
        return noClasses().that().resideInAPackage(root + ".app..")
                .should().implement(JavaClass.Predicates.resideInAPackage(root + ".ports.out.."))
                .because("an engine plugs in behind a port through its adapter; app only chooses which");
    }

    /**
     * app holds no HTTP handler: no endpoint of the HTTP adapter's server ({@code adapter.http.ApiServer.Endpoint}), and
     * no use of an HTTP server library (Jetty, the JDK's) at all; app only hands handlers to the server by path.
     */
    static ArchRule appHoldsNoHttpHandler(String root) {
        return noClasses().that().resideInAPackage(root + ".app..")
                .should().implement(HasName.Predicates.name(root + ".adapter.http.ApiServer$Endpoint"))
                .orShould().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..", "com.sun.net.httpserver..")
                .because("the HTTP API is the HTTP adapter's (adapter.http); app wires its endpoints to the use cases");
    }

    /** app implements no inbound port: the use cases are the services in ports, their HTTP face the HTTP adapter. */
    static ArchRule appImplementsNoInboundPort(String root) {
        return noClasses().that().resideInAPackage(root + ".app..")
                .should().implement(JavaClass.Predicates.resideInAPackage(root + ".ports.in.."))
                .because("a use case is a service in ports (or, held to one tenant, the HTTP adapter's); app only wires them");
    }

    /** Only app (and bench, which measures wired engines) may reach into adapters. */
    static ArchRule onlyAppUsesAdapters(String root) {
        return noClasses().that().resideInAnyPackage(root + ".domain..", root + ".ports..", root + ".migration..")
                .should().dependOnClassesThat().resideInAPackage(root + ".adapter..")
                .because("only app wires adapters to ports");
    }
}
