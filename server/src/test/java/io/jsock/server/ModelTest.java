package io.jsock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The models as values: one list of every variant, the command-line forms they parse from and print as. */
class ModelTest {

    @Test
    void theListHoldsEveryVariantOnceInTheCommandLinesOrder() {
        assertThat(Model.all()).map(m -> (Object) m.getClass())
                .containsExactlyInAnyOrder(variants(Model.class).toArray());
        assertThat(Model.all()).map(Model::cliName)
                .containsExactly("iterative", "process", "thread", "virtual", "pool", "prefork", "epoll", "uring");
        assertThat(Model.FORMS).isEqualTo("iterative, process, thread, virtual, pool[:N], prefork[:N], epoll[:N], uring[:N]");
    }

    /** The concrete classes below a sealed one, through the abstract ones between (Model.EventLoop). */
    private static Stream<Class<?>> variants(Class<?> c) {
        return c.isSealed() ? Arrays.stream(c.getPermittedSubclasses()).flatMap(ModelTest::variants) : Stream.of(c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"iterative", "process", "thread", "virtual", "pool:1", "pool:8", "prefork:2", "epoll:4096", "uring:2"})
    void everyFormParsesToTheModelThatPrintsIt(String text) {
        Model m = Model.parse(text);
        assertThat(m.toString()).isEqualTo(text);
        assertThat(Model.parse(m.toString())).isEqualTo(m).hasSameHashCodeAs(m);
    }

    @Test
    void theConstantsAndFactoriesAreTheParsedModels() {
        assertThat(Model.parse(" VIRTUAL ")).isEqualTo(Model.VIRTUAL);
        assertThat(Model.parse("iterative")).isSameAs(Model.ITERATIVE);
        assertThat(Model.parse("pool:3")).isEqualTo(Model.pool(3)).isNotEqualTo(Model.pool(4)).isNotEqualTo(Model.prefork(3));
        assertThat(Model.parse("epoll:2")).isEqualTo(Model.epoll(2));
        assertThat(Model.parse("prefork:2")).isEqualTo(Model.prefork(2));
        assertThat(Model.parse("uring:2")).isEqualTo(Model.uring(2)).isNotEqualTo(Model.epoll(2));
    }

    @Test
    void aSizedModelWithoutASizeGetsItsDefault() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(Model.parse("pool").size()).isEqualTo(4 * cores);
        assertThat(Model.parse("prefork").size()).isEqualTo(cores);
        assertThat(Model.parse("epoll").size()).isEqualTo(cores);
        assertThat(Model.parse("uring").size()).isEqualTo(cores);
        assertThat(Model.THREAD.sized()).isFalse();
        assertThat(Model.THREAD.size()).isZero();
    }

    @Test
    void eachModelSaysWhatItRuns() {
        assertThat(Model.all()).filteredOn(Model::runsCommands).map(Model::cliName).containsExactly("process", "prefork");
        assertThat(Model.all()).filteredOn(Model::runsEventHandlers).map(Model::cliName).containsExactly("epoll", "uring");
        assertThat(Model.all()).allSatisfy(m -> assertThat(m.description()).endsWith("."));
    }

    @Test
    void badTextGetsAMessageSayingWhatIsAccepted() {
        assertThatThrownBy(() -> Model.parse("fork")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown model 'fork'; expected one of " + Model.FORMS);
        assertThatThrownBy(() -> Model.parse("thread:2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model thread takes no size; expected one of " + Model.FORMS);
        assertThatThrownBy(() -> Model.parse("pool:0")).hasMessage("bad size in model 'pool:0': N must be a number from 1 to 4096");
        assertThatThrownBy(() -> Model.parse("pool:4097")).hasMessageContaining("from 1 to 4096");
        assertThatThrownBy(() -> Model.parse("pool:x")).hasMessageContaining("from 1 to 4096");
        assertThatThrownBy(() -> Model.pool(0)).isInstanceOf(IllegalArgumentException.class).hasMessage("pool needs N >= 1, got 0");
    }
}
