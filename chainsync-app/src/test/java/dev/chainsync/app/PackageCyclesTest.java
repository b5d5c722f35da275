package dev.chainsync.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The main code of chainsync-core and chainsync-app has no package cycles, and the HTTP edge does
 * not reach back into the wiring: a change that adds either fails the build here.
 */
class PackageCyclesTest {
    private static final String ROOT = "dev.chainsync";

    /** Main code only: test classes (directories or the core's test jar) are left out; chatpack is not on this classpath. */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages(ROOT);

    /** Each package directly under {@code root} (with its subpackages) is a slice; no slices may form a cycle. */
    static ArchRule noCyclesBetweenPackagesOf(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    @Test
    void bothModulesMainCodeIsImported() {
        // Guards against a rule that passes because it saw nothing.
        assertThat(MAIN.contain("dev.chainsync.outbox.Relay")).isTrue();
        assertThat(MAIN.contain("dev.chainsync.app.Application")).isTrue();
        assertThat(MAIN.contain("dev.chainsync.api.HttpApi")).isTrue();
        assertThat(MAIN.stream().noneMatch(c -> c.getName().endsWith("Test"))).isTrue();
    }

    @Test
    void mainCodeHasNoPackageCycles() {
        noCyclesBetweenPackagesOf(ROOT).check(MAIN);
    }

    @Test
    void theHttpEdgeDoesNotDependOnTheWiring() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".api..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".app..")
                .check(MAIN);
    }

    @Test
    void theRuleFailsOnADeliberateCycle() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.chainsync.archfixture.cycle");
        assertThat(fixture).hasSize(2);

        assertThatThrownBy(() -> noCyclesBetweenPackagesOf("dev.chainsync.archfixture.cycle")
                        .check(fixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected");
    }
}
