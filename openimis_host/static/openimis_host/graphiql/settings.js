// graphene-django's graphiql.js reads window.GRAPHENE_SETTINGS; the page carries them as
// JSON (json_script) rather than an inline script, so a strict CSP does not block them.
window.GRAPHENE_SETTINGS = JSON.parse(document.getElementById("graphene-settings").textContent);
