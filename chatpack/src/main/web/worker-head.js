// The page's worker: chatpack's readers and writers compiled to JavaScript by TeaVM (the core, between this line
// and the tail), run off the page's thread so progress can be drawn. The page never runs this function itself:
// it starts a Worker from the function's own source text, because a Worker from a file:// URL is refused.
function chatpackWorker() {
