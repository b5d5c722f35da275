package dev.chainsync.ticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TicketMemosTest {
    @Test
    void aPlatformTransferMemoNamesItsTransferAndItsPriceAndOthersNameNothing() {
        UUID id = UUID.randomUUID();
        List<String> sale = List.of(TicketOps.transferMemo(id, new BigDecimal("80.50")));
        assertThat(TicketMemos.transferId(sale)).contains(id);
        assertThat(TicketMemos.price(sale)).contains(new BigDecimal("80.50"));

        List<String> gift = List.of(TicketOps.transferMemo(id, null));
        assertThat(TicketMemos.transferId(gift)).contains(id);
        assertThat(TicketMemos.price(gift)).isEmpty();

        assertThat(TicketMemos.transferId(List.of())).isEmpty();
        assertThat(TicketMemos.transferId(List.of(TicketOps.mintMemo(id)))).isEmpty();
        assertThat(TicketMemos.transferId(List.of("chainsync:ticket.transfer:not-a-uuid price=1")))
                .isEmpty();
    }
}
