/** Word lists the demo customers are generated from (crm-seed.ts): common US names, fictional companies, real area codes. */

export const DEMO_FIRST_NAMES = {
  female: [
    'Olivia', 'Emma', 'Charlotte', 'Amelia', 'Sophia', 'Mia', 'Isabella', 'Ava', 'Evelyn', 'Harper', 'Abigail', 'Emily', 'Elizabeth', 'Sofia', 'Madison',
    'Avery', 'Ella', 'Scarlett', 'Grace', 'Chloe', 'Victoria', 'Riley', 'Aria', 'Lily', 'Zoey', 'Hannah', 'Layla', 'Nora', 'Camila', 'Maria',
    'Jennifer', 'Linda', 'Patricia', 'Susan', 'Jessica', 'Sarah', 'Karen', 'Nancy', 'Lisa', 'Michelle', 'Laura', 'Rachel', 'Megan', 'Priya', 'Mei',
  ],
  male: [
    'Liam', 'Noah', 'Oliver', 'James', 'Elijah', 'William', 'Henry', 'Lucas', 'Benjamin', 'Theodore', 'Jack', 'Levi', 'Alexander', 'Mason', 'Ethan',
    'Daniel', 'Jacob', 'Michael', 'Logan', 'Jackson', 'Sebastian', 'Mateo', 'Samuel', 'David', 'Joseph', 'Carter', 'Owen', 'Wyatt', 'John', 'Luke',
    'Robert', 'Thomas', 'Charles', 'Christopher', 'Matthew', 'Anthony', 'Mark', 'Steven', 'Andrew', 'Brian', 'Kevin', 'Jose', 'Raj', 'Wei', 'Omar',
  ],
};

export const DEMO_LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson',
  'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall',
  'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes',
  'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard',
  'Kim', 'Patel', 'Chen', 'Wang', 'Singh', "O'Brien", 'Sullivan', 'Russell', 'Bennett', 'Brooks', 'Price', 'Sanders', 'Foster', 'Hughes', 'Fischer',
];

export const DEMO_COMPANIES = {
  prefixes: [
    'Northwind', 'Blue Harbor', 'Summit', 'Pioneer', 'Redwood', 'Lakeside', 'Granite', 'Evergreen', 'Silverline', 'Brightpath', 'Ironwood', 'Oakridge',
    'Crescent', 'Harborview', 'Maple Leaf', 'Riverbend', 'Sterling', 'Cobalt', 'Horizon', 'Keystone', 'Juniper', 'Bluebird', 'Copperfield', 'Westgate',
  ],
  suffixes: [
    'Logistics', 'Dental', 'Realty', 'Analytics', 'Foods', 'Manufacturing', 'Consulting', 'Health', 'Energy', 'Labs', 'Partners', 'Supply', 'Insurance',
    'Software', 'Builders', 'Motors', 'Travel', 'Legal', 'Media', 'Fitness',
  ],
};

export const DEMO_STREETS = [
  'Main St', 'Oak Ave', 'Maple Dr', 'Cedar Ln', 'Park Ave', 'Elm St', 'Washington Blvd', 'Lake Shore Dr', 'Pine St', 'Sunset Blvd', 'Broadway',
  'Market St', 'Highland Ave', 'River Rd', 'Church St', 'Madison Ave', 'Franklin St', 'Jefferson Ave', 'Lincoln Way', 'Hillcrest Rd',
];

/** Area codes and the place they serve (the customers' "area"); numbers use the fictional 555-0100…0199 of each. */
export const DEMO_AREA_CODES: ReadonlyArray<{ code: string; city: string }> = [
  { code: '212', city: 'New York, NY' }, { code: '646', city: 'New York, NY' }, { code: '718', city: 'Brooklyn, NY' }, { code: '516', city: 'Hempstead, NY' },
  { code: '201', city: 'Jersey City, NJ' }, { code: '973', city: 'Newark, NJ' }, { code: '215', city: 'Philadelphia, PA' }, { code: '412', city: 'Pittsburgh, PA' },
  { code: '617', city: 'Boston, MA' }, { code: '202', city: 'Washington, DC' }, { code: '410', city: 'Baltimore, MD' }, { code: '404', city: 'Atlanta, GA' },
  { code: '305', city: 'Miami, FL' }, { code: '407', city: 'Orlando, FL' }, { code: '813', city: 'Tampa, FL' }, { code: '704', city: 'Charlotte, NC' },
  { code: '919', city: 'Raleigh, NC' }, { code: '615', city: 'Nashville, TN' }, { code: '312', city: 'Chicago, IL' }, { code: '773', city: 'Chicago, IL' },
  { code: '313', city: 'Detroit, MI' }, { code: '216', city: 'Cleveland, OH' }, { code: '614', city: 'Columbus, OH' }, { code: '317', city: 'Indianapolis, IN' },
  { code: '414', city: 'Milwaukee, WI' }, { code: '612', city: 'Minneapolis, MN' }, { code: '314', city: 'St. Louis, MO' }, { code: '816', city: 'Kansas City, MO' },
  { code: '214', city: 'Dallas, TX' }, { code: '713', city: 'Houston, TX' }, { code: '512', city: 'Austin, TX' }, { code: '210', city: 'San Antonio, TX' },
  { code: '303', city: 'Denver, CO' }, { code: '801', city: 'Salt Lake City, UT' }, { code: '602', city: 'Phoenix, AZ' }, { code: '702', city: 'Las Vegas, NV' },
  { code: '213', city: 'Los Angeles, CA' }, { code: '310', city: 'Los Angeles, CA' }, { code: '415', city: 'San Francisco, CA' }, { code: '408', city: 'San Jose, CA' },
  { code: '619', city: 'San Diego, CA' }, { code: '916', city: 'Sacramento, CA' }, { code: '503', city: 'Portland, OR' }, { code: '206', city: 'Seattle, WA' },
  { code: '808', city: 'Honolulu, HI' }, { code: '907', city: 'Anchorage, AK' }, { code: '504', city: 'New Orleans, LA' }, { code: '502', city: 'Louisville, KY' },
  { code: '405', city: 'Oklahoma City, OK' }, { code: '505', city: 'Albuquerque, NM' },
];
