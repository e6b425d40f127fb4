#!/usr/bin/python
# -*- coding: utf-8 -*-
# vhostfix Ansible module: check or fix Apache reverse-proxy vhosts.
# MIT licence, as the rest of vhostfix.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: vhostfix
short_description: Check and fix broken Apache reverse-proxy virtual hosts
version_added: "0.1.0"
description:
  - Runs the C(vhostfix) program on the managed host. With I(state=checked)
    it reports the findings of C(vhostfix check); with I(state=fixed) it
    corrects the proxy lines as C(vhostfix fix) does (backup, atomic write,
    configtest, rollback on failure).
  - Check mode is a C(vhostfix fix --dry-run) and writes nothing; with
    C(--diff) the unified diff of the fix is shown.
  - C(changed) is true exactly when a fix would write (check mode) or did
    write a file.
  - Fails with vhostfix's own message when it exits 2 (usage or input
    error, nothing written) or 3 (Apache rejected the change, everything
    restored).
options:
  state:
    description:
      - C(checked) only reports; C(fixed) writes the fix.
    type: str
    choices: [checked, fixed]
    default: checked
  vhost:
    description:
      - The vhosts to check or fix, each a ServerName or ServerAlias,
        NAME:PORT or FILE:LINE; C(all) for every vhost Apache loads.
    type: list
    elements: str
    default: [all]
  root:
    description:
      - Read the tree under this directory instead of C(/) (like
        C(augtool -r)).
    type: path
    default: /
  config:
    description:
      - Main configuration file, relative to I(root), when it is not one of
        the usual places.
    type: str
  fail_on:
    description:
      - Fail the task when findings at or above this severity remain. With
        I(state=checked), the findings of the check count; with
        I(state=fixed), what the fix leaves to a human. C(never) only
        reports.
    type: str
    choices: [error, warning, info, never]
    default: never
  ignore:
    description:
      - Rule ids to drop everywhere (C(vhostfix --ignore)).
    type: list
    elements: str
    default: []
  preserve_host:
    description:
      - The C(ProxyPreserveHost) choice of the fix; C(keep) leaves what
        each vhost does now.
    type: str
    choices: ['on', 'off', keep]
    default: keep
  forwarded_proto:
    description:
      - C(auto) adds C(RequestHeader set X-Forwarded-Proto "https") on TLS
        vhosts.
    type: str
    choices: [auto, 'off']
    default: auto
  hide_server:
    description:
      - Add C(Header unset Server).
    type: str
    choices: ['on', 'off']
    default: 'on'
  server_tokens:
    description:
      - C(prod) sets C(ServerTokens Prod) globally.
    type: str
    choices: [prod, keep]
    default: keep
  backup_dir:
    description:
      - Where backup sets go (default C(ROOT/var/backups/vhostfix)).
    type: path
  configtest:
    description:
      - Command that checks the written configuration (default Apache's
        own check when I(root) is C(/)).
    type: str
  no_configtest:
    description:
      - Skip the configuration test.
    type: bool
    default: false
  configtest_timeout:
    description:
      - Seconds the configuration test (and the reload) may take; past
        them it is killed and the fix rolled back.
    type: int
  reload:
    description:
      - Reload Apache gracefully after a passing test.
    type: bool
    default: false
  reload_cmd:
    description:
      - Command for I(reload) (default C(apache2ctl graceful)).
    type: str
  binary:
    description:
      - The vhostfix program on the managed host.
    type: path
    default: vhostfix
notes:
  - Supports check mode and diff mode.
  - The C(fix) document is C(vhostfix fix --format json), described by
    C(data/fix.schema.json) in the vhostfix sources.
requirements:
  - vhostfix on the managed host
author:
  - vhostfix authors
'''

EXAMPLES = r'''
- name: Report the findings of every vhost
  vhostfix.apache.vhostfix:
    state: checked

- name: Fix every vhost, reload Apache, fail if an error is left to a human
  vhostfix.apache.vhostfix:
    state: fixed
    vhost: all
    reload: true
    fail_on: error

- name: Fix one site, keeping its ProxyPreserveHost, without the Server header rule
  vhostfix.apache.vhostfix:
    state: fixed
    vhost: [app.example.com]
    preserve_host: keep
    ignore: [server-header-exposed]
'''

RETURN = r'''
findings:
  description:
    - The findings of C(vhostfix check) (before any fix), one per entry,
      ignored rules left out.
  returned: always
  type: list
  elements: dict
  sample:
    - vhost: app.example.com
      rule: reverse-socket-prefix
      severity: error
      file: /etc/apache2/sites-enabled/app.conf
      line: 6
      message: "ProxyPassReverse unix:/run/app.sock|http://127.0.0.1/ never matches"
      suggestion: ["ProxyPassReverse / http://127.0.0.1/"]
summary:
  description: Number of findings of each severity.
  returned: always
  type: dict
  sample: {errors: 1, warnings: 2, infos: 0}
fix:
  description:
    - The document of C(vhostfix fix --format json) (the dry run in check
      mode or when nothing was to change, else the write).
    - Files changed, backup set, configtest and reload results, the diff,
      what is left to a human.
  returned: when state is fixed
  type: dict
  sample:
    status: written
    files: [{path: /etc/apache2/sites-enabled/app.conf,
             real_path: /etc/apache2/sites-available/app.conf, written: true}]
    backup: {id: 20260101T000000Z-ab12, path: /var/backups/vhostfix/20260101T000000Z-ab12}
left_to_human:
  description: What the fix does not do, with the line or command to use.
  returned: when state is fixed
  type: list
  elements: dict
failing:
  description: Number of findings at or above I(fail_on).
  returned: always
  type: int
'''

import json

from ansible.module_utils.basic import AnsibleModule

SEVERITY = {'info': 0, 'warning': 1, 'error': 2}


def base_args(module, binary):
    p = module.params
    args = [binary]
    if p['root'] and p['root'] != '/':
        args += ['--root', p['root']]
    if p['config']:
        args += ['--config', p['config']]
    for rule in p['ignore']:
        args += ['--ignore', rule]
    return args


def targets(module):
    vh = module.params['vhost']
    if not vh or vh == ['all']:
        return None
    if 'all' in vh:
        module.fail_json(msg="vhost: 'all' cannot be mixed with names")
    return list(vh)


def message(rc, out, err):
    lines = [l for l in (err or '').splitlines() if l.strip()]
    if lines:
        return '\n'.join(lines[-5:])
    return 'vhostfix exited %d' % rc


def run_json(module, args):
    rc, out, err = module.run_command(args)
    try:
        doc = json.loads(out) if out.strip() else None
    except ValueError:
        doc = None
    return rc, doc, out, err


def check(module, binary):
    names = targets(module)
    args = base_args(module, binary) + ['check']
    args += names or []
    args += ['--format', 'json']
    rc, doc, out, err = run_json(module, args)
    if rc not in (0, 1) or doc is None:
        module.fail_json(msg=message(rc, out, err), rc=rc, stdout=out,
                         stderr=err)
    findings = []
    for v in doc.get('vhosts', []):
        name = v.get('server_name') or (v.get('addresses') or [''])[0]
        for f in v.get('findings', []):
            findings.append(dict(f, vhost=name))
    for f in doc.get('findings', []):
        findings.append(dict(f, vhost=None))
    return findings, doc.get('summary', {})


def fix_args(module, binary):
    p = module.params
    names = targets(module)
    args = base_args(module, binary) + ['fix']
    args += names if names else ['--all']
    if p['preserve_host'] != 'keep':
        args += ['--preserve-host', p['preserve_host']]
    args += ['--forwarded-proto', p['forwarded_proto']]
    args += ['--hide-server', p['hide_server']]
    args += ['--server-tokens', p['server_tokens']]
    args += ['--format', 'json']
    return args


def write_args(module):
    p = module.params
    args = ['--yes']
    if p['backup_dir']:
        args += ['--backup-dir', p['backup_dir']]
    if p['configtest']:
        args += ['--configtest', p['configtest']]
    if p['no_configtest']:
        args += ['--no-configtest']
    if p['configtest_timeout']:
        args += ['--configtest-timeout', str(p['configtest_timeout'])]
    if p['reload']:
        args += ['--reload']
    if p['reload_cmd']:
        args += ['--reload-cmd', p['reload_cmd']]
    return args


def failing(items, threshold):
    if threshold == 'never':
        return 0
    t = SEVERITY[threshold]
    return sum(1 for f in items if SEVERITY.get(f.get('severity'), 0) >= t)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type='str', default='checked',
                       choices=['checked', 'fixed']),
            vhost=dict(type='list', elements='str', default=['all']),
            root=dict(type='path', default='/'),
            config=dict(type='str'),
            fail_on=dict(type='str', default='never',
                         choices=['error', 'warning', 'info', 'never']),
            ignore=dict(type='list', elements='str', default=[]),
            preserve_host=dict(type='str', default='keep',
                               choices=['on', 'off', 'keep']),
            forwarded_proto=dict(type='str', default='auto',
                                 choices=['auto', 'off']),
            hide_server=dict(type='str', default='on', choices=['on', 'off']),
            server_tokens=dict(type='str', default='keep',
                               choices=['prod', 'keep']),
            backup_dir=dict(type='path'),
            configtest=dict(type='str'),
            no_configtest=dict(type='bool', default=False),
            configtest_timeout=dict(type='int'),
            reload=dict(type='bool', default=False),
            reload_cmd=dict(type='str'),
            binary=dict(type='path', default='vhostfix'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    binary = module.get_bin_path(p['binary'], required=False) or p['binary']
    findings, summary = check(module, binary)
    result = dict(changed=False, findings=findings, summary=summary)

    if p['state'] == 'checked':
        result['failing'] = failing(findings, p['fail_on'])
        if result['failing']:
            module.fail_json(msg='%d finding(s) at or above %s' %
                             (result['failing'], p['fail_on']), **result)
        module.exit_json(**result)

    args = fix_args(module, binary)
    rc, doc, out, err = run_json(module, args + ['--dry-run'])
    if rc not in (0, 1) or doc is None:
        module.fail_json(msg=message(rc, out, err), rc=rc, stdout=out,
                         stderr=err, **result)
    would = bool(doc['changed'])
    diff = doc['diff']
    if would and not module.check_mode:
        rc, doc, out, err = run_json(module, args + write_args(module))
        if doc is None or rc not in (0, 1):
            msg = (doc or {}).get('error') or message(rc, out, err)
            test = ((doc or {}).get('configtest') or {}).get('output')
            if test:
                msg = '%s: %s' % (msg, test.strip())
            module.fail_json(msg=msg, rc=rc, fix=doc, stderr=err, **result)
    result['changed'] = would
    result['fix'] = doc
    result['left_to_human'] = doc['left_to_human']
    if would and module._diff:
        result['diff'] = dict(prepared=diff)
    result['failing'] = failing(doc['left_to_human'], p['fail_on'])
    if result['failing']:
        module.fail_json(msg='%d finding(s) at or above %s left to a human'
                         % (result['failing'], p['fail_on']), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
