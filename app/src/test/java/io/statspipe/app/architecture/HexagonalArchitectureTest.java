package io.statspipe.app.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Keeps the design card's dependency rules true at build time. The Maven enforcer checks the
 * module dependencies; this checks the classes, and proves on a deliberately bad fixture that
 * each rule does fail when broken.
 */
class HexagonalArchitectureTest {
    private static final List<Function<String, ArchRule>> RULES = List.of(
            HexagonalRules::domainDependsOnTheJdkAndDataSketchesOnly,
            HexagonalRules::portsDependOnDomainOnly,
            HexagonalRules::migrationUsesPortsOnly,
            HexagonalRules::adaptersAreIndependent,
            HexagonalRules::onlyAppUsesAdapters,
            HexagonalRules::appHoldsNoParser,
            HexagonalRules::appRecordsNoInput,
            HexagonalRules::appImplementsNoOutboundPort,
            HexagonalRules::appHoldsNoHttpHandler,
            HexagonalRules::appImplementsNoInboundPort);

    @Test
    void statspipeKeepsEveryRule() {
        JavaClasses statspipe = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // test jars (the ports' fixtures, as a reactor build resolves them) are tests too
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.statspipe");
        assertThat(statspipe.containPackage("io.statspipe.domain")).isTrue();
        assertThat(statspipe.containPackage("io.statspipe.ports")).isTrue();
        assertThat(statspipe.containPackage("io.statspipe.app")).isTrue();
        assertThat(statspipe.containPackage("io.statspipe.adapter.ingest")).isTrue();
        assertThat(statspipe.containPackage("io.statspipe.adapter.http")).isTrue();

        RULES.forEach(rule -> rule.apply("io.statspipe").check(statspipe));
    }

    @Test
    void everyRuleFailsOnTheBadFixture() {
        JavaClasses bad = new ClassFileImporter().importPackages("io.statspipe.archfixture");

        for (Function<String, ArchRule> rule : RULES) {
            ArchRule applied = rule.apply("io.statspipe.archfixture");
            assertThatThrownBy(() -> applied.check(bad)).as(applied.getDescription())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("was violated");
        }
    }
}
