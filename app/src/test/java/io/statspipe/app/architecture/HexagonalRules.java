package io.statspipe.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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

    /** Only app (and bench, which measures wired engines) may reach into adapters. */
    static ArchRule onlyAppUsesAdapters(String root) {
        return noClasses().that().resideInAnyPackage(root + ".domain..", root + ".ports..", root + ".migration..")
                .should().dependOnClassesThat().resideInAPackage(root + ".adapter..")
                .because("only app wires adapters to ports");
    }
}
