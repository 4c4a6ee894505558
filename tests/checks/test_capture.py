"""capture_gap: what could not be read is reported, never passed."""

from checks import ChannelInfo


def test_capture_gap_channel_read_pages_but_found_no_offer(run_check):
    web = ChannelInfo("web", "web", "desktop", complete=False, pages_ok=3, errors=(),
                      failed_pages={"*": ("every page read (no offer found on them)",)})
    chat = ChannelInfo("chat", "transcripts", None, True, pages_ok=2)
    [f] = run_check("capture_gap", [], channels={"web": web, "chat": chat})
    assert (f.check, f.subject, f.attribute) == ("capture_gap", "capture", "channel")
    assert f.channels == ("web",)
    assert f.checked is True and f.level == "error"
    assert f.message.startswith("Channel web read 3 page(s) but found no price, fee or term "
                                "of any offer")
    assert "no offer is reported missing there" in f.message
    assert f.values == {"web": "no offers found"}


def test_capture_gap_channel_read_nothing(run_check):
    # The same incomplete channel without the "no offer found" marker: nothing was read.
    web = ChannelInfo("web", "web", "desktop", complete=False, pages_ok=0,
                      errors=(("http://x/", "timeout"),))
    [f] = run_check("capture_gap", [], channels={"web": web})
    assert f.message == ("Channel web could not be read at all (http://x/: timeout); none of "
                         "its offers were checked.")
    assert f.values == {"web": "not captured"}


def test_capture_gap_complete_channels_pass(run_check):
    web = ChannelInfo("web", "web", "desktop", complete=True, pages_ok=3)
    assert run_check("capture_gap", [], channels={"web": web}) == []
