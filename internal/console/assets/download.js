// Hands a generated private key to the browser as a file download, the way
// Encord's UI does ("<title>.txt"). The key is a Blob from the server's
// answer; it is never put in the page, and the object URL is revoked as
// soon as the browser has taken the file.
export function saveFile(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
