// "Copy BibTeX": copy the text of the element named by data-copy-target, and say so.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById("copy-status");
  const text = source.textContent;
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = "Copied.";
  } catch (error) {
    // No clipboard API (e.g. a file:// page in some browsers): select the text for Ctrl+C.
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = "Selected: press Ctrl+C to copy.";
  }
});
