/**
 * The compliance frameworks Opsplane maps controls to, as plain data: a control names a framework
 * and a requirement id, and reports look the title up here. Ids are written exactly as each
 * publisher writes them, so a mapping can be checked against the publisher's own document.
 */

export const FRAMEWORK_IDS = ['soc2', 'iso27001', 'cis_v8'] as const;
export type FrameworkId = (typeof FRAMEWORK_IDS)[number];

/** A CIS Implementation Group: 1 is essential cyber hygiene, 3 the whole set. */
export type ImplementationGroup = 1 | 2 | 3;

export interface Requirement {
  id: string;
  title: string;
  /** The publisher's grouping: SOC 2 category, ISO theme, or CIS control title. */
  group: string;
  /** CIS only: the Implementation Groups that include this safeguard. */
  implementationGroups?: ImplementationGroup[];
}

export interface Framework {
  id: FrameworkId;
  name: string;
  version: string;
  /** The publisher's page for this edition. */
  source: string;
  requirements: readonly Requirement[];
}

type Entry = readonly [id: string, title: string];

function inGroup(group: string, entries: readonly Entry[]): Requirement[] {
  return entries.map(([id, title]) => ({ id, title, group }));
}

/**
 * SOC 2 titles are short paraphrases, not the AICPA's text: the criteria are copyrighted, and a
 * report needs only enough to recognise the criterion by its id.
 */
const SOC2_REQUIREMENTS: readonly Requirement[] = [
  ...inGroup('Common Criteria — Control Environment', [
    ['CC1.1', 'Commitment to integrity and ethical values'],
    ['CC1.2', 'Board independence from management and oversight of internal control'],
    ['CC1.3', 'Management establishes structures, reporting lines, authorities and responsibilities'],
    ['CC1.4', 'Commitment to attract, develop and retain competent individuals'],
    ['CC1.5', 'Individuals held accountable for their internal control responsibilities'],
  ]),
  ...inGroup('Common Criteria — Communication and Information', [
    ['CC2.1', 'Relevant, quality information obtained or generated to support internal control'],
    ['CC2.2', 'Internal communication of information, objectives and responsibilities for internal control'],
    ['CC2.3', 'Communication with external parties about matters affecting internal control'],
  ]),
  ...inGroup('Common Criteria — Risk Assessment', [
    ['CC3.1', 'Objectives specified clearly enough to identify and assess risks'],
    ['CC3.2', 'Risks to objectives identified and analyzed to decide how to manage them'],
    ['CC3.3', 'Potential for fraud considered in assessing risks'],
    ['CC3.4', 'Changes that could significantly affect internal control identified and assessed'],
  ]),
  ...inGroup('Common Criteria — Monitoring Activities', [
    ['CC4.1', 'Ongoing and/or separate evaluations of the components of internal control'],
    ['CC4.2', 'Internal control deficiencies evaluated and communicated in a timely manner'],
  ]),
  ...inGroup('Common Criteria — Control Activities', [
    ['CC5.1', 'Control activities selected and developed to mitigate risks to acceptable levels'],
    ['CC5.2', 'General control activities over technology selected and developed'],
    ['CC5.3', 'Control activities deployed through policies and procedures'],
  ]),
  ...inGroup('Common Criteria — Logical and Physical Access Controls', [
    [
      'CC6.1',
      'Logical access security software, infrastructure and architectures protect information assets',
    ],
    [
      'CC6.2',
      'Users registered and authorized before credentials are issued; access removed when no longer authorized',
    ],
    ['CC6.3', 'Access authorized, changed or removed by role, least privilege and segregation of duties'],
    ['CC6.4', 'Physical access to facilities and protected information assets restricted'],
    [
      'CC6.5',
      'Protections over physical assets discontinued only once their data can no longer be read or recovered',
    ],
    ['CC6.6', 'Logical access security measures against threats from outside the system boundaries'],
    [
      'CC6.7',
      'Transmission, movement and removal of information restricted to authorized users and protected',
    ],
    ['CC6.8', 'Unauthorized or malicious software prevented or detected and acted upon'],
  ]),
  ...inGroup('Common Criteria — System Operations', [
    ['CC7.1', 'Detection and monitoring of configuration changes and newly discovered vulnerabilities'],
    [
      'CC7.2',
      'System components monitored for anomalies indicating malicious acts, natural disasters and errors',
    ],
    ['CC7.3', 'Security events evaluated to determine whether they are security incidents'],
    ['CC7.4', 'Security incidents responded to through a defined incident response program'],
    ['CC7.5', 'Activities to recover from identified security incidents'],
  ]),
  ...inGroup('Common Criteria — Change Management', [
    [
      'CC8.1',
      'Changes to infrastructure, data, software and procedures authorized, tested, approved and implemented',
    ],
  ]),
  ...inGroup('Common Criteria — Risk Mitigation', [
    ['CC9.1', 'Risk mitigation activities for potential business disruptions'],
    ['CC9.2', 'Risks from vendors and business partners assessed and managed'],
  ]),
  ...inGroup('Additional Criteria for Availability', [
    ['A1.1', 'Processing capacity and use of system components monitored and managed to meet demand'],
    [
      'A1.2',
      'Environmental protections, software, data backup and recovery infrastructure in place and monitored',
    ],
    ['A1.3', 'Recovery plan procedures supporting system recovery tested'],
  ]),
  ...inGroup('Additional Criteria for Confidentiality', [
    ['C1.1', 'Confidential information identified and maintained'],
    ['C1.2', 'Confidential information disposed of'],
  ]),
  ...inGroup('Additional Criteria for Processing Integrity', [
    ['PI1.1', 'Quality information about processing objectives, data definitions and product specifications'],
    ['PI1.2', 'Policies and procedures over system inputs'],
    ['PI1.3', 'Policies and procedures over system processing'],
    ['PI1.4', 'Policies and procedures over making output available or delivering it'],
    ['PI1.5', 'Inputs, items in processing and outputs stored completely, accurately and in a timely manner'],
  ]),
  ...inGroup('Additional Criteria for Privacy — Notice and Communication of Objectives', [
    ['P1.1', 'Notice to data subjects about privacy practices'],
  ]),
  ...inGroup('Additional Criteria for Privacy — Choice and Consent', [
    ['P2.1', 'Choices about personal information communicated and consent obtained'],
  ]),
  ...inGroup('Additional Criteria for Privacy — Collection', [
    ['P3.1', 'Personal information collected consistent with privacy objectives'],
    ['P3.2', 'Explicit consent obtained where required, and the need for it communicated'],
  ]),
  ...inGroup('Additional Criteria for Privacy — Use, Retention, and Disposal', [
    ['P4.1', 'Use of personal information limited to the identified purposes'],
    ['P4.2', 'Personal information retained consistent with objectives'],
    ['P4.3', 'Personal information securely disposed of'],
  ]),
  ...inGroup('Additional Criteria for Privacy — Access', [
    ['P5.1', 'Data subjects can access their stored personal information'],
    ['P5.2', "Personal information corrected, amended or appended at the data subject's request"],
  ]),
  ...inGroup('Additional Criteria for Privacy — Disclosure and Notification', [
    ['P6.1', 'Personal information disclosed to third parties only with explicit consent'],
    ['P6.2', 'Record kept of authorized disclosures of personal information'],
    ['P6.3', 'Record kept of detected or reported unauthorized disclosures, including breaches'],
    ['P6.4', 'Privacy commitments obtained from vendors and other third parties'],
    ['P6.5', 'Vendors and other third parties commit to report actual or suspected unauthorized disclosures'],
    ['P6.6', 'Breaches and incidents notified to affected data subjects, regulators and others'],
    ['P6.7', 'Data subjects given an accounting of their personal information held and disclosed'],
  ]),
  ...inGroup('Additional Criteria for Privacy — Quality', [
    ['P7.1', 'Personal information kept accurate, up to date, complete and relevant'],
  ]),
  ...inGroup('Additional Criteria for Privacy — Monitoring and Enforcement', [
    ['P8.1', 'Privacy inquiries, complaints and disputes received, addressed, resolved and answered'],
  ]),
];

/** ISO control names are short headings, kept as ISO writes them so a Statement of Applicability matches. */
const ISO27001_REQUIREMENTS: readonly Requirement[] = [
  ...inGroup('Organizational controls', [
    ['A.5.1', 'Policies for information security'],
    ['A.5.2', 'Information security roles and responsibilities'],
    ['A.5.3', 'Segregation of duties'],
    ['A.5.4', 'Management responsibilities'],
    ['A.5.5', 'Contact with authorities'],
    ['A.5.6', 'Contact with special interest groups'],
    ['A.5.7', 'Threat intelligence'],
    ['A.5.8', 'Information security in project management'],
    ['A.5.9', 'Inventory of information and other associated assets'],
    ['A.5.10', 'Acceptable use of information and other associated assets'],
    ['A.5.11', 'Return of assets'],
    ['A.5.12', 'Classification of information'],
    ['A.5.13', 'Labelling of information'],
    ['A.5.14', 'Information transfer'],
    ['A.5.15', 'Access control'],
    ['A.5.16', 'Identity management'],
    ['A.5.17', 'Authentication information'],
    ['A.5.18', 'Access rights'],
    ['A.5.19', 'Information security in supplier relationships'],
    ['A.5.20', 'Addressing information security within supplier agreements'],
    [
      'A.5.21',
      'Managing information security in the information and communication technology (ICT) supply chain',
    ],
    ['A.5.22', 'Monitoring, review and change management of supplier services'],
    ['A.5.23', 'Information security for use of cloud services'],
    ['A.5.24', 'Information security incident management planning and preparation'],
    ['A.5.25', 'Assessment and decision on information security events'],
    ['A.5.26', 'Response to information security incidents'],
    ['A.5.27', 'Learning from information security incidents'],
    ['A.5.28', 'Collection of evidence'],
    ['A.5.29', 'Information security during disruption'],
    ['A.5.30', 'ICT readiness for business continuity'],
    ['A.5.31', 'Legal, statutory, regulatory and contractual requirements'],
    ['A.5.32', 'Intellectual property rights'],
    ['A.5.33', 'Protection of records'],
    ['A.5.34', 'Privacy and protection of PII'],
    ['A.5.35', 'Independent review of information security'],
    ['A.5.36', 'Compliance with policies, rules and standards for information security'],
    ['A.5.37', 'Documented operating procedures'],
  ]),
  ...inGroup('People controls', [
    ['A.6.1', 'Screening'],
    ['A.6.2', 'Terms and conditions of employment'],
    ['A.6.3', 'Information security awareness, education and training'],
    ['A.6.4', 'Disciplinary process'],
    ['A.6.5', 'Responsibilities after termination or change of employment'],
    ['A.6.6', 'Confidentiality or non-disclosure agreements'],
    ['A.6.7', 'Remote working'],
    ['A.6.8', 'Information security event reporting'],
  ]),
  ...inGroup('Physical controls', [
    ['A.7.1', 'Physical security perimeters'],
    ['A.7.2', 'Physical entry'],
    ['A.7.3', 'Securing offices, rooms and facilities'],
    ['A.7.4', 'Physical security monitoring'],
    ['A.7.5', 'Protecting against physical and environmental threats'],
    ['A.7.6', 'Working in secure areas'],
    ['A.7.7', 'Clear desk and clear screen'],
    ['A.7.8', 'Equipment siting and protection'],
    ['A.7.9', 'Security of assets off-premises'],
    ['A.7.10', 'Storage media'],
    ['A.7.11', 'Supporting utilities'],
    ['A.7.12', 'Cabling security'],
    ['A.7.13', 'Equipment maintenance'],
    ['A.7.14', 'Secure disposal or re-use of equipment'],
  ]),
  ...inGroup('Technological controls', [
    ['A.8.1', 'User end point devices'],
    ['A.8.2', 'Privileged access rights'],
    ['A.8.3', 'Information access restriction'],
    ['A.8.4', 'Access to source code'],
    ['A.8.5', 'Secure authentication'],
    ['A.8.6', 'Capacity management'],
    ['A.8.7', 'Protection against malware'],
    ['A.8.8', 'Management of technical vulnerabilities'],
    ['A.8.9', 'Configuration management'],
    ['A.8.10', 'Information deletion'],
    ['A.8.11', 'Data masking'],
    ['A.8.12', 'Data leakage prevention'],
    ['A.8.13', 'Information backup'],
    ['A.8.14', 'Redundancy of information processing facilities'],
    ['A.8.15', 'Logging'],
    ['A.8.16', 'Monitoring activities'],
    ['A.8.17', 'Clock synchronization'],
    ['A.8.18', 'Use of privileged utility programs'],
    ['A.8.19', 'Installation of software on operational systems'],
    ['A.8.20', 'Networks security'],
    ['A.8.21', 'Security of network services'],
    ['A.8.22', 'Segregation of networks'],
    ['A.8.23', 'Web filtering'],
    ['A.8.24', 'Use of cryptography'],
    ['A.8.25', 'Secure development life cycle'],
    ['A.8.26', 'Application security requirements'],
    ['A.8.27', 'Secure system architecture and engineering principles'],
    ['A.8.28', 'Secure coding'],
    ['A.8.29', 'Security testing in development and acceptance'],
    ['A.8.30', 'Outsourced development'],
    ['A.8.31', 'Separation of development, test and production environments'],
    ['A.8.32', 'Change management'],
    ['A.8.33', 'Test information'],
    ['A.8.34', 'Protection of information systems during audit testing'],
  ]),
];

/** A safeguard with the lowest Implementation Group that includes it. */
type Safeguard = readonly [id: string, title: string, lowestGroup: ImplementationGroup];

const ALL_GROUPS: readonly ImplementationGroup[] = [1, 2, 3];

/**
 * CIS Implementation Groups are cumulative (IG2 holds all of IG1, IG3 all of IG2), so the lowest
 * group a safeguard enters fixes its whole membership; writing only that number keeps the table
 * from ever saying a safeguard is in IG1 but not IG2.
 */
function cisControl(title: string, safeguards: readonly Safeguard[]): Requirement[] {
  return safeguards.map(([id, safeguardTitle, lowestGroup]) => ({
    id,
    title: safeguardTitle,
    group: title,
    implementationGroups: ALL_GROUPS.filter((group) => group >= lowestGroup),
  }));
}

/** CIS safeguard titles as CIS writes them in v8.0 (v8.1 reworded some; ids and groups are v8.0's). */
const CIS_V8_REQUIREMENTS: readonly Requirement[] = [
  ...cisControl('Inventory and Control of Enterprise Assets', [
    ['1.1', 'Establish and Maintain Detailed Enterprise Asset Inventory', 1],
    ['1.2', 'Address Unauthorized Assets', 1],
    ['1.3', 'Utilize an Active Discovery Tool', 2],
    ['1.4', 'Use Dynamic Host Configuration Protocol (DHCP) Logging to Update Enterprise Asset Inventory', 2],
    ['1.5', 'Use a Passive Asset Discovery Tool', 3],
  ]),
  ...cisControl('Inventory and Control of Software Assets', [
    ['2.1', 'Establish and Maintain a Software Inventory', 1],
    ['2.2', 'Ensure Authorized Software is Currently Supported', 1],
    ['2.3', 'Address Unauthorized Software', 1],
    ['2.4', 'Utilize Automated Software Inventory Tools', 2],
    ['2.5', 'Allowlist Authorized Software', 2],
    ['2.6', 'Allowlist Authorized Libraries', 2],
    ['2.7', 'Allowlist Authorized Scripts', 3],
  ]),
  ...cisControl('Data Protection', [
    ['3.1', 'Establish and Maintain a Data Management Process', 1],
    ['3.2', 'Establish and Maintain a Data Inventory', 1],
    ['3.3', 'Configure Data Access Control Lists', 1],
    ['3.4', 'Enforce Data Retention', 1],
    ['3.5', 'Securely Dispose of Data', 1],
    ['3.6', 'Encrypt Data on End-User Devices', 1],
    ['3.7', 'Establish and Maintain a Data Classification Scheme', 2],
    ['3.8', 'Document Data Flows', 2],
    ['3.9', 'Encrypt Data on Removable Media', 2],
    ['3.10', 'Encrypt Sensitive Data in Transit', 2],
    ['3.11', 'Encrypt Sensitive Data at Rest', 2],
    ['3.12', 'Segment Data Processing and Storage Based on Sensitivity', 2],
    ['3.13', 'Deploy a Data Loss Prevention Solution', 3],
    ['3.14', 'Log Sensitive Data Access', 3],
  ]),
  ...cisControl('Secure Configuration of Enterprise Assets and Software', [
    ['4.1', 'Establish and Maintain a Secure Configuration Process', 1],
    ['4.2', 'Establish and Maintain a Secure Configuration Process for Network Infrastructure', 1],
    ['4.3', 'Configure Automatic Session Locking on Enterprise Assets', 1],
    ['4.4', 'Implement and Manage a Firewall on Servers', 1],
    ['4.5', 'Implement and Manage a Firewall on End-User Devices', 1],
    ['4.6', 'Securely Manage Enterprise Assets and Software', 1],
    ['4.7', 'Manage Default Accounts on Enterprise Assets and Software', 1],
    ['4.8', 'Uninstall or Disable Unnecessary Services on Enterprise Assets and Software', 2],
    ['4.9', 'Configure Trusted DNS Servers on Enterprise Assets', 2],
    ['4.10', 'Enforce Automatic Device Lockout on Portable End-User Devices', 2],
    ['4.11', 'Enforce Remote Wipe Capability on Portable End-User Devices', 2],
    ['4.12', 'Separate Enterprise Workspaces on Mobile End-User Devices', 3],
  ]),
  ...cisControl('Account Management', [
    ['5.1', 'Establish and Maintain an Inventory of Accounts', 1],
    ['5.2', 'Use Unique Passwords', 1],
    ['5.3', 'Disable Dormant Accounts', 1],
    ['5.4', 'Restrict Administrator Privileges to Dedicated Administrator Accounts', 1],
    ['5.5', 'Establish and Maintain an Inventory of Service Accounts', 2],
    ['5.6', 'Centralize Account Management', 2],
  ]),
  ...cisControl('Access Control Management', [
    ['6.1', 'Establish an Access Granting Process', 1],
    ['6.2', 'Establish an Access Revoking Process', 1],
    ['6.3', 'Require MFA for Externally-Exposed Applications', 1],
    ['6.4', 'Require MFA for Remote Network Access', 1],
    ['6.5', 'Require MFA for Administrative Access', 1],
    ['6.6', 'Establish and Maintain an Inventory of Authentication and Authorization Systems', 2],
    ['6.7', 'Centralize Access Control', 2],
    ['6.8', 'Define and Maintain Role-Based Access Control', 3],
  ]),
  ...cisControl('Continuous Vulnerability Management', [
    ['7.1', 'Establish and Maintain a Vulnerability Management Process', 1],
    ['7.2', 'Establish and Maintain a Remediation Process', 1],
    ['7.3', 'Perform Automated Operating System Patch Management', 1],
    ['7.4', 'Perform Automated Application Patch Management', 1],
    ['7.5', 'Perform Automated Vulnerability Scans of Internal Enterprise Assets', 2],
    ['7.6', 'Perform Automated Vulnerability Scans of Externally-Exposed Enterprise Assets', 2],
    ['7.7', 'Remediate Detected Vulnerabilities', 2],
  ]),
  ...cisControl('Audit Log Management', [
    ['8.1', 'Establish and Maintain an Audit Log Management Process', 1],
    ['8.2', 'Collect Audit Logs', 1],
    ['8.3', 'Ensure Adequate Audit Log Storage', 1],
    ['8.4', 'Standardize Time Synchronization', 2],
    ['8.5', 'Collect Detailed Audit Logs', 2],
    ['8.6', 'Collect DNS Query Audit Logs', 2],
    ['8.7', 'Collect URL Request Audit Logs', 2],
    ['8.8', 'Collect Command-Line Audit Logs', 2],
    ['8.9', 'Centralize Audit Logs', 2],
    ['8.10', 'Retain Audit Logs', 2],
    ['8.11', 'Conduct Audit Log Reviews', 2],
    ['8.12', 'Collect Service Provider Logs', 3],
  ]),
  ...cisControl('Email and Web Browser Protections', [
    ['9.1', 'Ensure Use of Only Fully Supported Browsers and Email Clients', 1],
    ['9.2', 'Use DNS Filtering Services', 1],
    ['9.3', 'Maintain and Enforce Network-Based URL Filters', 2],
    ['9.4', 'Restrict Unnecessary or Unauthorized Browser and Email Client Extensions', 2],
    ['9.5', 'Implement DMARC', 2],
    ['9.6', 'Block Unnecessary File Types', 2],
    ['9.7', 'Deploy and Maintain Email Server Anti-Malware Protections', 3],
  ]),
  ...cisControl('Malware Defenses', [
    ['10.1', 'Deploy and Maintain Anti-Malware Software', 1],
    ['10.2', 'Configure Automatic Anti-Malware Signature Updates', 1],
    ['10.3', 'Disable Autorun and Autoplay for Removable Media', 1],
    ['10.4', 'Configure Automatic Anti-Malware Scanning of Removable Media', 2],
    ['10.5', 'Enable Anti-Exploitation Features', 2],
    ['10.6', 'Centrally Manage Anti-Malware Software', 2],
    ['10.7', 'Use Behavior-Based Anti-Malware Software', 2],
  ]),
  ...cisControl('Data Recovery', [
    ['11.1', 'Establish and Maintain a Data Recovery Process', 1],
    ['11.2', 'Perform Automated Backups', 1],
    ['11.3', 'Protect Recovery Data', 1],
    ['11.4', 'Establish and Maintain an Isolated Instance of Recovery Data', 1],
    ['11.5', 'Test Data Recovery', 2],
  ]),
  ...cisControl('Network Infrastructure Management', [
    ['12.1', 'Ensure Network Infrastructure is Up-to-Date', 1],
    ['12.2', 'Establish and Maintain a Secure Network Architecture', 2],
    ['12.3', 'Securely Manage Network Infrastructure', 2],
    ['12.4', 'Establish and Maintain Architecture Diagram(s)', 2],
    ['12.5', 'Centralize Network Authentication, Authorization, and Auditing (AAA)', 2],
    ['12.6', 'Use of Secure Network Management and Communication Protocols', 2],
    [
      '12.7',
      "Ensure Remote Devices Utilize a VPN and are Connecting to an Enterprise's AAA Infrastructure",
      2,
    ],
    ['12.8', 'Establish and Maintain Dedicated Computing Resources for All Administrative Work', 3],
  ]),
  ...cisControl('Network Monitoring and Defense', [
    ['13.1', 'Centralize Security Event Alerting', 2],
    ['13.2', 'Deploy a Host-Based Intrusion Detection Solution', 2],
    ['13.3', 'Deploy a Network Intrusion Detection Solution', 2],
    ['13.4', 'Perform Traffic Filtering Between Network Segments', 2],
    ['13.5', 'Manage Access Control for Remote Assets', 2],
    ['13.6', 'Collect Network Traffic Flow Logs', 2],
    ['13.7', 'Deploy a Host-Based Intrusion Prevention Solution', 3],
    ['13.8', 'Deploy a Network Intrusion Prevention Solution', 3],
    ['13.9', 'Deploy Port-Level Access Control', 3],
    ['13.10', 'Perform Application Layer Filtering', 3],
    ['13.11', 'Tune Security Event Alerting Thresholds', 3],
  ]),
  ...cisControl('Security Awareness and Skills Training', [
    ['14.1', 'Establish and Maintain a Security Awareness Program', 1],
    ['14.2', 'Train Workforce Members to Recognize Social Engineering Attacks', 1],
    ['14.3', 'Train Workforce Members on Authentication Best Practices', 1],
    ['14.4', 'Train Workforce on Data Handling Best Practices', 1],
    ['14.5', 'Train Workforce Members on Causes of Unintentional Data Exposure', 1],
    ['14.6', 'Train Workforce Members on Recognizing and Reporting Security Incidents', 1],
    [
      '14.7',
      'Train Workforce on How to Identify and Report if Their Enterprise Assets are Missing Security Updates',
      1,
    ],
    [
      '14.8',
      'Train Workforce on the Dangers of Connecting to and Transmitting Enterprise Data Over Insecure Networks',
      1,
    ],
    ['14.9', 'Conduct Role-Specific Security Awareness and Skills Training', 2],
  ]),
  ...cisControl('Service Provider Management', [
    ['15.1', 'Establish and Maintain an Inventory of Service Providers', 1],
    ['15.2', 'Establish and Maintain a Service Provider Management Policy', 2],
    ['15.3', 'Classify Service Providers', 2],
    ['15.4', 'Ensure Service Provider Contracts Include Security Requirements', 2],
    ['15.5', 'Assess Service Providers', 3],
    ['15.6', 'Monitor Service Providers', 3],
    ['15.7', 'Securely Decommission Service Providers', 3],
  ]),
  ...cisControl('Application Software Security', [
    ['16.1', 'Establish and Maintain a Secure Application Development Process', 2],
    ['16.2', 'Establish and Maintain a Process to Accept and Address Software Vulnerabilities', 2],
    ['16.3', 'Perform Root Cause Analysis on Security Vulnerabilities', 2],
    ['16.4', 'Establish and Manage an Inventory of Third-Party Software Components', 2],
    ['16.5', 'Use Up-to-Date and Trusted Third-Party Software Components', 2],
    [
      '16.6',
      'Establish and Maintain a Severity Rating System and Process for Application Vulnerabilities',
      2,
    ],
    ['16.7', 'Use Standard Hardening Configuration Templates for Application Infrastructure', 2],
    ['16.8', 'Separate Production and Non-Production Systems', 2],
    ['16.9', 'Train Developers in Application Security Concepts and Secure Coding', 2],
    ['16.10', 'Apply Secure Design Principles in Application Architectures', 2],
    ['16.11', 'Leverage Vetted Modules or Services for Application Security Components', 2],
    ['16.12', 'Implement Code-Level Security Checks', 3],
    ['16.13', 'Conduct Application Penetration Testing', 3],
    ['16.14', 'Conduct Threat Modeling', 3],
  ]),
  ...cisControl('Incident Response Management', [
    ['17.1', 'Designate Personnel to Manage Incident Handling', 1],
    ['17.2', 'Establish and Maintain Contact Information for Reporting Security Incidents', 1],
    ['17.3', 'Establish and Maintain an Enterprise Process for Reporting Incidents', 1],
    ['17.4', 'Establish and Maintain an Incident Response Process', 2],
    ['17.5', 'Assign Key Roles and Responsibilities', 2],
    ['17.6', 'Define Mechanisms for Communicating During Incident Response', 2],
    ['17.7', 'Conduct Routine Incident Response Exercises', 2],
    ['17.8', 'Conduct Post-Incident Reviews', 2],
    ['17.9', 'Establish and Maintain Security Incident Thresholds', 3],
  ]),
  ...cisControl('Penetration Testing', [
    ['18.1', 'Establish and Maintain a Penetration Testing Program', 2],
    ['18.2', 'Perform Periodic External Penetration Tests', 2],
    ['18.3', 'Remediate Penetration Test Findings', 2],
    ['18.4', 'Validate Security Measures', 3],
    ['18.5', 'Perform Periodic Internal Penetration Tests', 3],
  ]),
];

export const FRAMEWORKS: Record<FrameworkId, Framework> = {
  /** AICPA's criteria for SOC 2 examinations: the 2017 edition, with the points of focus revised in 2022. */
  soc2: {
    id: 'soc2',
    name: 'SOC 2 — Trust Services Criteria',
    version: '2017 (revised points of focus, 2022)',
    source:
      'https://www.aicpa-cima.com/resources/download/2017-trust-services-criteria-with-revised-points-of-focus-2022',
    requirements: SOC2_REQUIREMENTS,
  },
  /** The controls of ISO/IEC 27001:2022 Annex A (the same controls ISO/IEC 27002:2022 explains). */
  iso27001: {
    id: 'iso27001',
    name: 'ISO/IEC 27001 — Annex A',
    version: '2022',
    source: 'https://www.iso.org/standard/27001',
    requirements: ISO27001_REQUIREMENTS,
  },
  /** The Center for Internet Security's Critical Security Controls, version 8.0 (May 2021). */
  cis_v8: {
    id: 'cis_v8',
    name: 'CIS Critical Security Controls',
    version: '8.0',
    source: 'https://www.cisecurity.org/controls/v8',
    requirements: CIS_V8_REQUIREMENTS,
  },
};

/** Built once at load: reports look titles up per control, and a catalog never changes at run time. */
const BY_ID: ReadonlyMap<FrameworkId, ReadonlyMap<string, Requirement>> = new Map(
  FRAMEWORK_IDS.map((framework) => [
    framework,
    new Map(FRAMEWORKS[framework].requirements.map((entry) => [entry.id, entry])),
  ]),
);

/** The requirement `id` of `framework`, or undefined when the framework has no such id. */
export function requirement(framework: FrameworkId, id: string): Requirement | undefined {
  return BY_ID.get(framework)?.get(id);
}

export function isFrameworkId(value: string): value is FrameworkId {
  return (FRAMEWORK_IDS as readonly string[]).includes(value);
}
