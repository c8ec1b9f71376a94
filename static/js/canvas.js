// The canvas page: a print button, and copying the share link where the browser allows it.
// Everything works without this script; it only adds the two buttons.

const print = document.getElementById("btn-print");
if (print && typeof window.print === "function") {
  print.hidden = false;
  print.addEventListener("click", () => window.print());
}

const copy = document.getElementById("btn-copy-share");
if (copy && navigator.clipboard && window.isSecureContext) {
  copy.hidden = false;
  const label = copy.textContent;
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(copy.dataset.copy);
      copy.textContent = "Copied";
    } catch {
      copy.textContent = "Copy failed";
    }
    setTimeout(() => {
      copy.textContent = label;
    }, 2000);
  });
}
