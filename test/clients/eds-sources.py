# Lists the mail sources evolution-data-server's own registry (ESourceRegistry, the
# evolution-source-registry service on this D-Bus session) loaded from
# $XDG_CONFIG_HOME/evolution/sources, with the keys Evolution reads, as JSON.
import json, sys
import gi
gi.require_version('EDataServer', '1.2')
from gi.repository import EDataServer as E

registry = E.SourceRegistry.new_sync(None)
out = []
for s in registry.list_sources(None):
    row = {'uid': s.get_uid(), 'parent': s.get_parent(), 'name': s.get_display_name(), 'enabled': s.get_enabled()}
    if s.has_extension(E.SOURCE_EXTENSION_MAIL_ACCOUNT):
        a = s.get_extension(E.SOURCE_EXTENSION_MAIL_ACCOUNT)
        row['account'] = {'backend': a.get_backend_name(), 'identity': a.get_identity_uid()}
    elif s.has_extension(E.SOURCE_EXTENSION_MAIL_TRANSPORT):
        row['transport'] = {'backend': s.get_extension(E.SOURCE_EXTENSION_MAIL_TRANSPORT).get_backend_name()}
    elif s.has_extension(E.SOURCE_EXTENSION_MAIL_IDENTITY):
        i = s.get_extension(E.SOURCE_EXTENSION_MAIL_IDENTITY)
        sub = s.get_extension(E.SOURCE_EXTENSION_MAIL_SUBMISSION)
        comp = s.get_extension(E.SOURCE_EXTENSION_MAIL_COMPOSITION)
        row['identity'] = {'address': i.get_address(), 'name': i.get_name(), 'transport': sub.get_transport_uid(),
                           'sentFolder': sub.get_sent_folder(), 'draftsFolder': comp.get_drafts_folder()}
    else:
        continue
    if s.has_extension(E.SOURCE_EXTENSION_AUTHENTICATION):
        au = s.get_extension(E.SOURCE_EXTENSION_AUTHENTICATION)
        row['auth'] = {'host': au.get_host(), 'port': au.get_port(), 'user': au.get_user(), 'method': au.get_method()}
    if s.has_extension(E.SOURCE_EXTENSION_SECURITY):
        row['security'] = s.get_extension(E.SOURCE_EXTENSION_SECURITY).get_method()
    out.append(row)
json.dump(out, sys.stdout)
